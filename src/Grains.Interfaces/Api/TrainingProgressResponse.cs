using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A training request's progress, as the trainer reports it.</summary>
public sealed record TrainingProgressResponse
{
    public required string RequestId { get; init; }
    public required TrainingStatus Status { get; init; }
    /// <summary>The trainer's progress text ("epoch 3/20, loss 1.23").</summary>
    public string? Progress { get; init; }
    public int EpochsDone { get; init; }
    public int EpochsTotal { get; init; }
    /// <summary>Training examples exported for it.</summary>
    public int Examples { get; init; }
    public int? PublishedVersion { get; init; }
    public string? Error { get; init; }
}
