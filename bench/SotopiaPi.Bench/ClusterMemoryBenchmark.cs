using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Memory per active episode: one silo (in this process) holding N episodes in flight at once on a slow
/// model — every decision first waits a simulated model latency (<c>Simulator:DecisionLatency</c>) — over PostgreSQL.
/// RSS is sampled once all N are playing (episode grains begun, agent grains waiting in model calls), over a window
/// shorter than an episode, and compared with the RSS of the same process with the silo started and idle.</summary>
internal static class ClusterMemoryBenchmark
{
    public sealed record Result(
        int Episodes,
        TimeSpan Latency,
        double BaselineRssMb,
        double PeakRssMb,
        double ManagedHeapMb,
        int PeakActive,
        double SecondsToAllActive,
        long WritesInWindow,
        string Load)
    {
        public double KbPerEpisode => (PeakRssMb - BaselineRssMb) * 1024 / PeakActive;
    }

    public static async Task<Result> RunAsync(ClusterPostgres server, int episodes, TimeSpan latency, TimeSpan window)
    {
        var database = await server.CreateDatabaseAsync();
        var home = Path.Combine(Path.GetTempPath(), $"sotopia-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        PostgresSotopiaStore? observer = null;
        PostgresSotopiaStore? store = null;
        BenchSilo? silo = null;
        try
        {
            observer = await PostgresSotopiaStore.OpenAsync(database);
            var ids = (await BenchSilo.CreateEpisodesAsync(observer, episodes)).Select(e => e.Id).ToList();
            store = await PostgresSotopiaStore.OpenAsync(database);
            silo = await BenchSilo.StartAsync("bench-memory-silo", store, Path.Combine(home, "artifacts"), episodes, database, latency, $"bench-{Guid.NewGuid():N}");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var baseline = BenchSilo.RssMb();

            var started = DateTime.UtcNow;
            var starting = BenchSilo.StartEpisodesAsync(silo, [silo], ids);
            var deadline = started + TimeSpan.FromMinutes(3);
            while (silo.Slots.Playing < episodes)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"only {silo.Slots.Playing} of {episodes} episodes were playing after 3 minutes");
                }
                await Task.Delay(50);
            }
            var toAllActive = (DateTime.UtcNow - started).TotalSeconds;
            await starting;
            var writesBefore = store.CommittedWrites;
            var peak = 0.0;
            var peakActive = 0;
            var windowEnd = DateTime.UtcNow + window;
            while (DateTime.UtcNow < windowEnd)
            {
                peak = Math.Max(peak, BenchSilo.RssMb());
                peakActive = Math.Max(peakActive, silo.Slots.Playing);
                await Task.Delay(100);
            }
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0;
            var writes = store.CommittedWrites - writesBefore;
            var load = BenchSilo.LoadAverage();
            return new Result(episodes, latency, baseline, peak, heap, peakActive, toAllActive, writes, load);
        }
        finally
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
            if (store is not null)
            {
                await store.DisposeAsync();
            }
            if (observer is not null)
            {
                await observer.DisposeAsync();
            }
            await server.DropDatabaseAsync(database);
            Directory.Delete(home, recursive: true);
        }
    }
}
