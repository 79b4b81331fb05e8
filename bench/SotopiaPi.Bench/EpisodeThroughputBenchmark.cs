using System.Diagnostics;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Plays N simulator episodes (expert vs expert on the starter tasks) through one real Orleans silo on a fresh
/// SQLite store — episode and agent grains, one durable, fenced turn write per turn (group commit), the judge, the
/// fenced completion — with C episodes in flight (the silo's capacity), and measures wall time and memory.</summary>
internal static class EpisodeThroughputBenchmark
{
    public sealed record Result(int Episodes, long Turns, double Seconds, double PeakRssMb, double ManagedHeapMb)
    {
        public double EpisodesPerSecond => Episodes / Seconds;
        public double TurnsPerSecond => Turns / Seconds;
    }

    public static async Task<Result> RunAsync(int concurrency, int episodes)
    {
        var home = Path.Combine(Path.GetTempPath(), $"sotopia-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        try
        {
            await using var store = await SqliteSotopiaStore.OpenAsync(Path.Combine(home, "sotopia.db"));
            var ids = (await BenchSilo.CreateEpisodesAsync(store, episodes)).Select(e => e.Id).ToList();
            await using var silo = await BenchSilo.StartAsync(
                "bench-silo", store, Path.Combine(home, "artifacts"), concurrency, postgres: null, TimeSpan.Zero, $"bench-{Guid.NewGuid():N}");
            GC.Collect();
            var stopwatch = Stopwatch.StartNew();
            var starting = BenchSilo.StartEpisodesAsync(silo, [silo], ids);
            var peakRss = await BenchSilo.WaitForCompletedAsync([silo], episodes, TimeSpan.FromMinutes(10));
            stopwatch.Stop();
            await starting;
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            long turns = 0;
            foreach (var id in ids.Take(200))
            {
                turns += (await store.GetTurnsAsync(id)).Length;
            }
            turns = turns * episodes / Math.Min(200, episodes);
            return new Result(episodes, turns, stopwatch.Elapsed.TotalSeconds, peakRss, heap / 1048576.0);
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Leave it for the OS.
            }
        }
    }
}
