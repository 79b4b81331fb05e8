namespace SotopiaPi.Silo.Runtime;

/// <summary>Counters of what this silo did since it started (for progress displays and benchmarks).</summary>
public sealed class SiloStatistics
{
    private long _started;
    private long _completed;
    private long _failed;
    private long _dropped;
    private long _active;

    public long EpisodesStarted => Interlocked.Read(ref _started);
    public long EpisodesCompleted => Interlocked.Read(ref _completed);
    public long EpisodesFailed => Interlocked.Read(ref _failed);
    /// <summary>Activations dropped because another silo took the episode over (stale epoch).</summary>
    public long ActivationsDropped => Interlocked.Read(ref _dropped);
    public long ActiveEpisodes => Interlocked.Read(ref _active);

    internal void OnStarted()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _active);
    }

    internal void OnFinished(bool failed, bool dropped)
    {
        Interlocked.Decrement(ref _active);
        if (dropped)
        {
            Interlocked.Increment(ref _dropped);
        }
        else if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
        else
        {
            Interlocked.Increment(ref _completed);
        }
    }
}
