namespace SotopiaPi.Grains.Interfaces;

/// <summary>A request to train a new policy version from a round's filtered episodes. The training queue grain
/// assigns it to one trainer at a time (each assignment is a new <see cref="Attempt"/>); publishing is idempotent per
/// request id.</summary>
[Immutable]
public sealed record TrainingRequest
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required int Round { get; init; }
    /// <summary>"bc" or "sr".</summary>
    public required string Kind { get; init; }
    public required string PolicyName { get; init; }
    /// <summary>The version training starts from (0 = base).</summary>
    public required int BaseVersion { get; init; }
    /// <summary>Path of the exported SFT dataset (chat JSONL) in the artifact store.</summary>
    public required string DatasetPath { get; init; }
    /// <summary>SHA-256 of the dataset file.</summary>
    public required string DatasetHash { get; init; }
    public required TrainerSettings Settings { get; init; }
    /// <summary>Seed for everything random in training (derived from the campaign's seed and the round, so the
    /// same spec trains the same checkpoint whatever the campaign id).</summary>
    public long Seed { get; init; }
    public TrainingStatus Status { get; init; } = TrainingStatus.Pending;
    /// <summary>How many times the request was assigned to a trainer (0 = never); reports from an earlier attempt are refused.</summary>
    public int Attempt { get; init; }
    /// <summary>The trainer working on it (or that finished it), if any.</summary>
    public string? TrainerId { get; init; }
    /// <summary>Human-readable progress ("epoch 3/20, loss 1.23").</summary>
    public string? Progress { get; init; }
    public int? PublishedVersion { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
