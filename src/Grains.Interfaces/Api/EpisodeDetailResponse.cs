using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/episodes/{id}</c>: the episode with its scenario, both seats (character, goal, pinned
/// policy, scores with the judge's reasoning) and the transcript.</summary>
public sealed record EpisodeDetailResponse
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required int Round { get; init; }
    public required string Phase { get; init; }
    public required EpisodeStatus Status { get; init; }
    public TerminationReason? Termination { get; init; }
    public string? FailureReason { get; init; }
    public required ScenarioResponse Scenario { get; init; }
    public required RelationshipType Relationship { get; init; }
    public required ImmutableArray<EpisodeSeatResponse> Seats { get; init; }
    public required ImmutableArray<TurnResponse> Turns { get; init; }
    public string? JudgeModel { get; init; }
    /// <summary>Why the judge failed, when it did (then no seat has scores).</summary>
    public string? EvaluationFailure { get; init; }
    public long Seed { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
