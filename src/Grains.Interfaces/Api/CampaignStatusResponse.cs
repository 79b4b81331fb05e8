using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/campaigns/{id}</c>: where a campaign is, per stage (episode counts, training progress),
/// and what it produced (per-round results, evaluations).</summary>
public sealed record CampaignStatusResponse
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required CampaignMode Mode { get; init; }
    public required CampaignStatus Status { get; init; }
    /// <summary>Index of the current stage (equal to the number of stages when every stage is done).</summary>
    public required int Stage { get; init; }
    /// <summary>Step within the current stage: start, playing, training.</summary>
    public required string Step { get; init; }
    public required ImmutableArray<CampaignStageResponse> Stages { get; init; }
    /// <summary>Episode counts over the whole campaign.</summary>
    public required EpisodeCountsResponse Episodes { get; init; }
    public required CampaignSpec Spec { get; init; }
    /// <summary>The dataset version the campaign was started on and draws its tasks from.</summary>
    public int DatasetVersion { get; init; }
    public ImmutableArray<RoundResult> Rounds { get; init; } = [];
    public ImmutableArray<PolicyEvaluationResult> Evaluations { get; init; } = [];
    public string? Error { get; init; }
    /// <summary>Model spending and reservations; null for a simulator campaign without a budget (it calls no model).</summary>
    public CampaignSpendResponse? Spend { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
