using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Lease latencies on PostgreSQL, measured at the store: <c>ClaimEpisodesAsync</c> (one statement:
/// find pending or orphaned episodes with <c>SKIP LOCKED</c>, take their leases, mark them running) for batches
/// of 1, 16 and 128 with one claimer and with three claimers at once (each its own store, like three silos);
/// <c>TryAcquireAsync</c> of single leases (how campaigns are taken); and <c>RenewAllAsync</c>, the heartbeat,
/// for a silo holding thousands of leases.</summary>
internal static class ClusterClaimBenchmark
{
    public sealed record Row(string Operation, int Batch, int Claimers, int Calls, double P50, double P95, double P99, double ItemsPerSecond);

    private static readonly (int Batch, int Calls)[] Batches = [(1, 300), (16, 100), (128, 30)];

    /// <summary>Pending episodes in each fresh database.</summary>
    public const int Pending = 20_000;

    public static async Task<List<Row>> RunAsync(ClusterPostgres server)
    {
        var rows = new List<Row>();
        foreach (var concurrent in (int[])[1, 3])
        {
            foreach (var (batch, calls) in Batches)
            {
                // Each configuration on a fresh database with the same backlog, so one does not inherit the
                // dead rows (claimed episodes) of another.
                await WithDatabaseAsync(server, concurrent, async claimers =>
                {
                    // Warm the connection pools and prepared statements first.
                    await Task.WhenAll(claimers.Select((s, k) => s.ClaimEpisodesAsync($"claimer-{k}", batch, TimeSpan.FromHours(1))));
                    var latencies = new List<double>[concurrent];
                    var wall = Stopwatch.StartNew();
                    await Task.WhenAll(Enumerable.Range(0, concurrent).Select(async k =>
                    {
                        latencies[k] = [];
                        for (var c = 0; c < calls; c++)
                        {
                            var started = Stopwatch.GetTimestamp();
                            var claimed = await claimers[k].ClaimEpisodesAsync($"claimer-{k}", batch, TimeSpan.FromHours(1));
                            latencies[k].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            if (claimed.Count != batch)
                            {
                                throw new InvalidOperationException($"claimer {k} got {claimed.Count} episodes for a batch of {batch}");
                            }
                        }
                    }));
                    wall.Stop();
                    rows.Add(Summarize("claim episodes", batch, concurrent, [.. latencies.SelectMany(l => l)], concurrent * calls * batch / wall.Elapsed.TotalSeconds));
                });
            }
        }

        await WithDatabaseAsync(server, 1, async claimers =>
        {
            var acquire = new List<double>();
            var acquireWall = Stopwatch.StartNew();
            for (var i = 0; i < 300; i++)
            {
                var started = Stopwatch.GetTimestamp();
                _ = await claimers[0].TryAcquireAsync(LeaseKinds.Campaign, $"campaign-{i}", "claimer-0", TimeSpan.FromHours(1))
                    ?? throw new InvalidOperationException("a free lease was not acquired");
                acquire.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            rows.Add(Summarize("acquire one lease", 1, 1, acquire, 300 / acquireWall.Elapsed.TotalSeconds));

            // The heartbeat of a silo holding 10,000 leases.
            for (var claimed = 0; claimed < 10_000; claimed += 1000)
            {
                await claimers[0].ClaimEpisodesAsync("claimer-0", 1000, TimeSpan.FromHours(1));
            }
            var held = 0;
            var renew = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var started = Stopwatch.GetTimestamp();
                held = await claimers[0].RenewAllAsync("claimer-0", TimeSpan.FromHours(1));
                renew.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            rows.Add(Summarize("renew all leases (heartbeat)", held, 1, renew, held * 20 / renew.Sum() * 1000));
        });
        return rows;
    }

    /// <summary>A fresh database with <see cref="Pending"/> pending episodes and <paramref name="claimers"/> stores on it.</summary>
    private static async Task WithDatabaseAsync(ClusterPostgres server, int claimers, Func<List<PostgresSotopiaStore>, Task> work)
    {
        var database = await server.CreateDatabaseAsync();
        var stores = new List<PostgresSotopiaStore>();
        try
        {
            var setup = await PostgresSotopiaStore.OpenAsync(database);
            stores.Add(setup);
            await ClusterBenchData.CreateEpisodesAsync(setup, Pending);
            var list = new List<PostgresSotopiaStore>();
            for (var i = 0; i < claimers; i++)
            {
                var store = await PostgresSotopiaStore.OpenAsync(database);
                stores.Add(store);
                list.Add(store);
            }
            await work(list);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
            await server.DropDatabaseAsync(database);
        }
    }

    private static Row Summarize(string operation, int batch, int claimers, List<double> latencies, double perSecond)
    {
        latencies.Sort();
        return new Row(operation, batch, claimers, latencies.Count,
            ClusterBenchData.Percentile(latencies, 0.50), ClusterBenchData.Percentile(latencies, 0.95), ClusterBenchData.Percentile(latencies, 0.99), perSecond);
    }
}
