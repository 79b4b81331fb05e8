namespace SotopiaPi.Grains.Interfaces;

/// <summary>One seat of an episode: the character, its private goal and secret, who played it, and its scores.</summary>
public sealed record EpisodeSeatResponse
{
    public required int Seat { get; init; }
    public required string CharacterId { get; init; }
    public required string Name { get; init; }
    public int Age { get; init; }
    public string Occupation { get; init; } = "";
    /// <summary>The seat's goal with its hint tags rendered.</summary>
    public required string Goal { get; init; }
    public string Secret { get; init; } = "";
    /// <summary>expert, partner or policy.</summary>
    public required string Role { get; init; }
    public required string PolicyName { get; init; }
    public required int Version { get; init; }
    public required string Model { get; init; }
    /// <summary>Whether this seat counts for the episode's purpose (the partner's seat in evaluation does not).</summary>
    public required bool Scored { get; init; }
    public SeatEvaluationResponse? Evaluation { get; init; }
}
