namespace SotopiaPi.Grains.Interfaces;

/// <summary>A task (SOTOPIA's <c>EnvAgentComboStorage</c>): one scenario plus an ordered character pair.
/// <see cref="Agent1Id"/> plays goal 0 and moves first; <see cref="Agent2Id"/> plays goal 1.</summary>
[Immutable]
public sealed record SocialTask
{
    public required string Id { get; init; }
    public required string ScenarioId { get; init; }
    public required string Agent1Id { get; init; }
    public required string Agent2Id { get; init; }

    public string AgentId(int seat) => seat switch
    {
        0 => Agent1Id,
        1 => Agent2Id,
        _ => throw new ArgumentOutOfRangeException(nameof(seat), seat, "A seat is 0 or 1."),
    };
}
