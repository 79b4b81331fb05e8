using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>One published checkpoint of a policy, with its lineage and where it came from.</summary>
[Immutable]
public sealed record PolicyVersion
{
    public required string PolicyName { get; init; }
    /// <summary>0 = the base (untrained) policy; each training round adds one.</summary>
    public required int Version { get; init; }
    /// <summary>"base", "bc", "sr".</summary>
    public required string Kind { get; init; }
    /// <summary>The model name agents call for this version (a simulator checkpoint name, a fine-tuned model
    /// id, a LoRA adapter name served by vLLM…).</summary>
    public required string Model { get; init; }
    public int? ParentVersion { get; init; }
    /// <summary>Path of the checkpoint in the artifact store (relative to its root), if there is a file.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>SHA-256 of the checkpoint content, hex.</summary>
    public string? CheckpointHash { get; init; }
    /// <summary>The dataset (SFT export) it was trained on: its hash / id.</summary>
    public string? DatasetId { get; init; }
    /// <summary>The training request that produced it, if any (publishing is idempotent per request).</summary>
    public string? TrainingRequestId { get; init; }
    public string? CampaignId { get; init; }
    /// <summary>Training metrics: loss per epoch, example count, …</summary>
    public ImmutableDictionary<string, double> Metrics { get; init; } = ImmutableDictionary<string, double>.Empty;
    public DateTimeOffset CreatedAt { get; init; }
}
