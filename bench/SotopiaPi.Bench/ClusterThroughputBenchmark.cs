using System.Diagnostics;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Simulator episodes per second through PostgreSQL with N silos: N Orleans silos in this process (ADO.NET
/// membership in the database, each silo with its own store), episodes placed round-robin on them, one durable fenced
/// turn write per turn through group commit, the judge, the fenced completion. Wall time from the first start call
/// to the last completion.</summary>
internal static class ClusterThroughputBenchmark
{
    public sealed record Result(int Silos, int Episodes, long Turns, double Seconds, IReadOnlyList<long> PerSilo, double PeakRssMb, string Load)
    {
        public double EpisodesPerSecond => Episodes / Seconds;
        public double PerSiloPerSecond => EpisodesPerSecond / Silos;
        public double TurnsPerSecond => Turns / Seconds;
    }

    public static async Task<Result> RunAsync(ClusterPostgres server, int silos, int episodes, int concurrency)
    {
        var database = await server.CreateDatabaseAsync();
        var home = Path.Combine(Path.GetTempPath(), $"sotopia-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        var stores = new List<PostgresSotopiaStore>();
        var hosts = new List<BenchSilo>();
        try
        {
            var observer = await PostgresSotopiaStore.OpenAsync(database);
            stores.Add(observer);
            var ids = (await BenchSilo.CreateEpisodesAsync(observer, episodes)).Select(e => e.Id).ToList();
            var clusterId = $"bench-{Guid.NewGuid():N}";
            for (var i = 1; i <= silos; i++)
            {
                var store = await PostgresSotopiaStore.OpenAsync(database);
                stores.Add(store);
                hosts.Add(await BenchSilo.StartAsync($"bench-silo-{i}", store, Path.Combine(home, "artifacts"), concurrency, database, TimeSpan.Zero, clusterId));
            }
            GC.Collect();
            var stopwatch = Stopwatch.StartNew();
            var starting = BenchSilo.StartEpisodesAsync(hosts[0], hosts, ids);
            var peakRss = await BenchSilo.WaitForCompletedAsync(hosts, episodes, TimeSpan.FromMinutes(15));
            stopwatch.Stop();
            await starting;
            var load = BenchSilo.LoadAverage();
            var perSilo = hosts.Select(h => h.Slots.Completed).ToList();
            var counted = await observer.CountEpisodesAsync(BenchSilo.CampaignId);
            if (counted.Completed != episodes)
            {
                throw new InvalidOperationException($"expected {episodes} completed episodes, the store has {counted}");
            }
            long turns;
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM turns", connection);
                turns = (long)(await command.ExecuteScalarAsync())!;
            }
            return new Result(silos, episodes, turns, stopwatch.Elapsed.TotalSeconds, perSilo, peakRss, load);
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.DisposeAsync();
            }
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
            await server.DropDatabaseAsync(database);
            Directory.Delete(home, recursive: true);
        }
    }
}
