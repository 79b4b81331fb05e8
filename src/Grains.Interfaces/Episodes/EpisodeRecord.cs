using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>An episode as stored: which task it plays, who plays each seat with which pinned policy version,
/// how it ended and how it was judged. Turns are stored separately (<see cref="Turn"/>).</summary>
[Immutable]
public sealed record EpisodeRecord
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    /// <summary>Round index in the campaign (0 = BC or the first SR round; see <see cref="CampaignRound"/>).</summary>
    public required int Round { get; init; }
    /// <summary>What the round is for: "bc", "sr", "eval".</summary>
    public required string Phase { get; init; }
    public required string TaskId { get; init; }
    public required string ScenarioId { get; init; }
    public required string Agent1Id { get; init; }
    public required string Agent2Id { get; init; }
    /// <summary>The policy each seat plays (pinned when the episode was created), index = seat.</summary>
    public required ImmutableArray<SeatBinding> Seats { get; init; }
    /// <summary>Which seats are scored for this episode's purpose (both in BC/SR, the policy's seat in eval).</summary>
    public ImmutableArray<int> ScoredSeats { get; init; } = [0, 1];
    /// <summary>Seed for everything random in this episode (sampling, simulator noise).</summary>
    public required long Seed { get; init; }
    /// <summary>The dataset version the episode's scenario, characters and relationship come from (its campaign's);
    /// null for episodes stored before datasets had versions (they use <see cref="DatasetVersion.Legacy"/>).</summary>
    public int? DatasetVersion { get; init; }
    public EpisodeStatus Status { get; init; } = EpisodeStatus.Pending;
    public TerminationReason? Termination { get; init; }
    /// <summary>The judge's outcome, once judged: scores or a recorded failure, never both.</summary>
    public EvaluationOutcome? Outcome { get; init; }
    /// <summary>Why the episode failed, when <see cref="Status"/> is <see cref="EpisodeStatus.Failed"/>.</summary>
    public string? FailureReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The dataset version to build the episode's setup from.</summary>
    public int DatasetVersionOrLegacy => DatasetVersion ?? Interfaces.DatasetVersion.Legacy;

    public string AgentId(int seat) => seat == 0 ? Agent1Id : Agent2Id;
}
