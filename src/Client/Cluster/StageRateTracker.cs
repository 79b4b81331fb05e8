using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Cluster;

/// <summary>Episodes finished per second per stage over a sliding window of samples (the recent completion
/// rate), and the time left at that rate. The ETA is shown only once <see cref="MinFinishedForEta"/> episodes
/// finished within the window: a rate from one or two completions (or from the first seconds of a stage) is noise.</summary>
internal sealed class StageRateTracker(TimeProvider time)
{
    /// <summary>How many episodes must have finished within the window before an ETA is given.</summary>
    public const int MinFinishedForEta = 10;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private readonly Dictionary<int, Queue<(long Timestamp, int Finished)>> _samples = [];

    public IReadOnlyDictionary<int, (double? Rate, TimeSpan? Eta)> Sample(CampaignStatusResponse status)
    {
        var now = time.GetTimestamp();
        var result = new Dictionary<int, (double? Rate, TimeSpan? Eta)>();
        foreach (var stage in status.Stages)
        {
            if (!_samples.TryGetValue(stage.Index, out var samples))
            {
                _samples[stage.Index] = samples = new Queue<(long, int)>();
            }
            samples.Enqueue((now, stage.Episodes.Finished));
            while (samples.Count > 2 && time.GetElapsedTime(samples.Peek().Timestamp, now) > Window)
            {
                samples.Dequeue();
            }
            var (oldestTime, oldestFinished) = samples.Peek();
            var elapsed = time.GetElapsedTime(oldestTime, now).TotalSeconds;
            var finishedInWindow = stage.Episodes.Finished - oldestFinished;
            double? rate = elapsed >= 0.5 ? Math.Max(0, stage.Episodes.Finished - oldestFinished) / elapsed : null;
            var remaining = stage.Episodes.Total - stage.Episodes.Finished;
            TimeSpan? eta = stage.State == "playing" && remaining > 0 && rate is > 0 && finishedInWindow >= MinFinishedForEta
                ? TimeSpan.FromSeconds(remaining / rate.Value)
                : null;
            result[stage.Index] = (stage.State == "playing" ? rate : null, eta);
        }
        return result;
    }
}
