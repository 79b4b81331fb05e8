using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>One episode in a list: who played, how it ended, each seat's goal and overall score.</summary>
public sealed record EpisodeSummaryResponse
{
    public required string Id { get; init; }
    public required int Round { get; init; }
    public required string Phase { get; init; }
    public required EpisodeStatus Status { get; init; }
    public required string ScenarioId { get; init; }
    /// <summary>The scenario's codename (its id when the store no longer has the scenario).</summary>
    public required string Scenario { get; init; }
    /// <summary>The characters' full names, by seat.</summary>
    public required ImmutableArray<string> Characters { get; init; }
    public required ImmutableArray<SeatBinding> Seats { get; init; }
    public required ImmutableArray<int> ScoredSeats { get; init; }
    public TerminationReason? Termination { get; init; }
    /// <summary>Goal score by seat (null when not judged successfully).</summary>
    public ImmutableArray<int?> Goal { get; init; } = [];
    /// <summary>Overall score (mean of the 7 dimensions) by seat.</summary>
    public ImmutableArray<double?> Overall { get; init; } = [];
    public string? FailureReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
