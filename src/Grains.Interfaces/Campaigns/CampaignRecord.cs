using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A campaign as stored: its spec, where it is, and what each round produced.</summary>
[Immutable]
public sealed record CampaignRecord
{
    public required string Id { get; init; }
    public required CampaignSpec Spec { get; init; }
    /// <summary>Increases by one with every change the campaign's grain stores; the store keeps the highest.</summary>
    public long Revision { get; init; }
    /// <summary>The dataset version the campaign was started on: every round and evaluation draws its tasks from it,
    /// whatever is imported later. Null for campaigns stored before datasets had versions (they use
    /// <see cref="DatasetVersion.Legacy"/>).</summary>
    public int? DatasetVersion { get; init; }
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
    /// <summary>The W3C <c>traceparent</c> of the request that created the campaign (the console's API call), or
    /// null: the campaign's round spans are its children, so one trace follows the campaign wherever it runs.</summary>
    public string? TraceParent { get; init; }
    /// <summary>The W3C <c>traceparent</c> of the span of the current stage (round) on the silo driving it, or null:
    /// the round's episode spans, played on any silo, are its children.</summary>
    public string? StageTraceParent { get; init; }
    /// <summary>The dataset version the campaign draws its tasks from.</summary>
    public int DatasetVersionOrLegacy => DatasetVersion ?? Interfaces.DatasetVersion.Legacy;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
