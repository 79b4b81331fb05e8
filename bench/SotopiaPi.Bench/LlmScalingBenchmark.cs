using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>LLM-bound scaling: N Orleans silos (ADO.NET membership on PostgreSQL, each silo with its own store and its
/// own LLM gateway capped at C concurrent calls, as separate silo processes would have) play LLM episodes against one
/// fake endpoint (its own process) answering after a fixed latency. When the endpoint's latency, not the CPU, bounds
/// the rate, N silos should play N times the episodes per second of one. The silos share this process (and its 2
/// cores here), so the ratio is a lower bound for silos on their own nodes.</summary>
internal static class LlmScalingBenchmark
{
    public sealed record Result(int Silos, int Episodes, double Seconds, long Calls, IReadOnlyList<long> PerSilo, string Load)
    {
        public double EpisodesPerSecond => Episodes / Seconds;
    }

    public static async Task<Result> RunAsync(ClusterPostgres server, int port, int silos, int episodesPerSilo, int cap)
    {
        var database = await server.CreateDatabaseAsync();
        var home = Path.Combine(Path.GetTempPath(), $"sotopia-llm-scaling-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        var stores = new List<PostgresSotopiaStore>();
        var hosts = new List<BenchSilo>();
        var gateways = new List<(LlmGateway Gateway, LlmGatewayBenchmark.CountingHandler Counter)>();
        try
        {
            var episodes = episodesPerSilo * silos;
            var observer = await PostgresSotopiaStore.OpenAsync(database);
            stores.Add(observer);
            var ids = (await BenchSilo.CreateEpisodesAsync(observer, episodes, "bench-model")).Select(e => e.Id).ToList();
            var clusterId = $"llm-scaling-{Guid.NewGuid():N}";
            for (var i = 1; i <= silos; i++)
            {
                var store = await PostgresSotopiaStore.OpenAsync(database);
                stores.Add(store);
                var (settings, environment) = LlmGatewayBenchmark.Settings(port, cap);
                var counter = new LlmGatewayBenchmark.CountingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
                var gateway = new LlmGateway(settings, TimeProvider.System, NullLogger<LlmGateway>.Instance,
                    environment: name => environment.GetValueOrDefault(name), handler: counter, jitterSeed: i);
                gateways.Add((gateway, counter));
                hosts.Add(await BenchSilo.StartAsync($"llm-silo-{i}", store, Path.Combine(home, "artifacts"), episodesPerSilo, database,
                    TimeSpan.Zero, clusterId, services =>
                    {
                        services.AddSingleton(gateway);
                        services.AddSotopiaLlmBackend(settings);
                    }));
            }
            GC.Collect();
            var stopwatch = Stopwatch.StartNew();
            // Each silo starts its share (placed on itself), so the comparison is of silos, not of placement.
            var starting = Task.WhenAll(hosts.Select((h, k) => BenchSilo.StartEpisodesAsync(h, [h], [.. ids.Where((_, i) => i % hosts.Count == k)])));
            await BenchSilo.WaitForCompletedAsync(hosts, episodes, TimeSpan.FromMinutes(10));
            stopwatch.Stop();
            await starting;
            return new Result(silos, episodes, stopwatch.Elapsed.TotalSeconds, gateways.Sum(g => g.Counter.Completed),
                [.. hosts.Select(h => h.Slots.Completed)], BenchSilo.LoadAverage());
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.DisposeAsync();
            }
            foreach (var (gateway, _) in gateways)
            {
                gateway.Dispose();
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
