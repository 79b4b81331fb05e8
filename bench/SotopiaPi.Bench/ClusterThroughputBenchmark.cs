using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Simulator episodes per second through PostgreSQL with N silos: N in-process silos, each with its own
/// store, play the same pending episodes (claims under leases with <c>SKIP LOCKED</c>, one durable turn write
/// per turn through group commit, the judge, the fenced completion). Wall time from the silos' start to the
/// last completion.</summary>
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
        var hosts = new List<IHost>();
        try
        {
            var observer = await PostgresSotopiaStore.OpenAsync(database);
            stores.Add(observer);
            await ClusterBenchData.CreateEpisodesAsync(observer, episodes);
            for (var i = 1; i <= silos; i++)
            {
                var store = await PostgresSotopiaStore.OpenAsync(database);
                stores.Add(store);
                var id = $"bench-silo-{i}";
                hosts.Add(ClusterBenchData.BuildSilo(store, Path.Combine(home, "artifacts"), o =>
                {
                    o.SiloId = id;
                    o.MaxConcurrentEpisodes = concurrency;
                    o.ClaimBatchSize = Math.Min(concurrency, 128);
                }));
            }
            GC.Collect();
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            var peakRss = 0.0;
            while (true)
            {
                var counts = await observer.CountEpisodesAsync(ClusterBenchData.CampaignId);
                peakRss = Math.Max(peakRss, ClusterBenchData.RssMb());
                if (counts.Finished == counts.Total)
                {
                    break;
                }
                await Task.Delay(20);
            }
            stopwatch.Stop();
            var load = ClusterBenchData.LoadAverage();
            var perSilo = hosts.Select(h => ClusterBenchData.Statistics(h).EpisodesCompleted).ToList();
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
            var counted = await observer.CountEpisodesAsync(ClusterBenchData.CampaignId);
            if (counted.Completed != episodes)
            {
                var failed = await observer.ListEpisodesAsync(new EpisodeQuery
                {
                    CampaignId = ClusterBenchData.CampaignId,
                    Status = EpisodeStatus.Failed,
                    Limit = 5,
                });
                throw new InvalidOperationException(
                    $"expected {episodes} completed episodes, the store has {counted}: {string.Join("; ", failed.Select(e => $"{e.Id}: {e.FailureReason}"))}");
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
            foreach (var host in hosts)
            {
                host.Dispose();
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
