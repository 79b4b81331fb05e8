using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A campaign as stored: its spec, where it is, and what each round produced.</summary>
public sealed record CampaignRecord
{
    public required string Id { get; init; }
    public required CampaignSpec Spec { get; init; }
    public CampaignStatus Status { get; init; } = CampaignStatus.Running;
    /// <summary>Index of the current stage in the campaign's plan (see the campaign grain).</summary>
    public int Stage { get; init; }
    /// <summary>Step within the stage: "start", "playing", "training", "done".</summary>
    public string Step { get; init; } = "start";
    public ImmutableArray<RoundResult> Rounds { get; init; } = [];
    public ImmutableArray<PolicyEvaluationResult> Evaluations { get; init; } = [];
    /// <summary>Scenario ids used for training so far (so every round draws fresh ones).</summary>
    public ImmutableArray<string> UsedScenarios { get; init; } = [];
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
