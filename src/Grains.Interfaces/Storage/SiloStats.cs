namespace SotopiaPi.Grains.Interfaces;

/// <summary>A silo's counters, sent with its heartbeat (totals since the process started).</summary>
public sealed record SiloStats
{
    public int RunningEpisodes { get; init; }
    public long CompletedEpisodes { get; init; }
    public long FailedEpisodes { get; init; }
    public long StaleWritesRefused { get; init; }
}
