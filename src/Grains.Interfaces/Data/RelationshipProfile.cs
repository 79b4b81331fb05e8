namespace SotopiaPi.Grains.Interfaces;

/// <summary>How two characters are related (SOTOPIA's <c>RelationshipProfile</c>).</summary>
[Immutable]
public sealed record RelationshipProfile
{
    public required string Id { get; init; }
    public required string Agent1Id { get; init; }
    public required string Agent2Id { get; init; }
    public required RelationshipType Relationship { get; init; }
    public string? BackgroundStory { get; init; }
    public string Tag { get; init; } = "";
}
