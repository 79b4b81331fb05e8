using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>How many episodes are in each status.</summary>
public sealed record EpisodeCountsResponse
{
    public int Pending { get; init; }
    public int Running { get; init; }
    public int Completed { get; init; }
    public int EvaluationFailed { get; init; }
    public int Failed { get; init; }
    public int Cancelled { get; init; }
    public int Total { get; init; }
    /// <summary>Completed + evaluation failed + failed + cancelled.</summary>
    public int Finished { get; init; }

    public static EpisodeCountsResponse From(EpisodeCounts counts) => new()
    {
        Pending = counts.Pending,
        Running = counts.Running,
        Completed = counts.Completed,
        EvaluationFailed = counts.EvaluationFailed,
        Failed = counts.Failed,
        Cancelled = counts.Cancelled,
        Total = counts.Total,
        Finished = counts.Finished,
    };
}
