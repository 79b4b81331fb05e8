using Microsoft.Extensions.Hosting;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Memory per active episode: one silo (in this process) holding N episodes in flight at once on a slow
/// model — every decision first waits a fixed simulated LLM latency — over PostgreSQL. RSS is sampled once all N
/// are active (claimed, leased, their activations waiting in model calls), over a window shorter than an
/// episode, and compared with the RSS of the same process before the silo started.</summary>
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
        IHost? silo = null;
        try
        {
            observer = await PostgresSotopiaStore.OpenAsync(database);
            await ClusterBenchData.CreateEpisodesAsync(observer, episodes);
            store = await PostgresSotopiaStore.OpenAsync(database);
            silo = ClusterBenchData.BuildSilo(store, Path.Combine(home, "artifacts"), o =>
            {
                o.SiloId = "bench-memory-silo";
                o.MaxConcurrentEpisodes = episodes;
                o.ClaimBatchSize = 1000;
            }, inner => new SlowPolicyProvider(inner, latency));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var baseline = ClusterBenchData.RssMb();

            var statistics = ClusterBenchData.Statistics(silo);
            var started = DateTime.UtcNow;
            await silo.StartAsync();
            var deadline = started + TimeSpan.FromMinutes(3);
            while (statistics.ActiveEpisodes < episodes)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"only {statistics.ActiveEpisodes} of {episodes} episodes became active within 3 minutes");
                }
                await Task.Delay(50);
            }
            var toAllActive = (DateTime.UtcNow - started).TotalSeconds;
            var turnsBefore = store.CommittedWrites;
            var peak = 0.0;
            var peakActive = 0;
            var windowEnd = DateTime.UtcNow + window;
            while (DateTime.UtcNow < windowEnd)
            {
                peak = Math.Max(peak, ClusterBenchData.RssMb());
                peakActive = Math.Max(peakActive, (int)statistics.ActiveEpisodes);
                await Task.Delay(100);
            }
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0;
            var turns = store.CommittedWrites - turnsBefore;
            var load = ClusterBenchData.LoadAverage();
            await silo.StopAsync();
            return new Result(episodes, latency, baseline, peak, heap, peakActive, toAllActive, turns, load);
        }
        finally
        {
            silo?.Dispose();
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

    /// <summary>Every decision waits <paramref name="latency"/> first, as a remote model would make it wait.</summary>
    private sealed class SlowPolicyProvider(IPolicyProvider inner, TimeSpan latency) : IPolicyProvider
    {
        public async ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default) =>
            new SlowPolicy(await inner.ResolveAsync(binding, cancellationToken), latency);

        private sealed class SlowPolicy(IAgentPolicy inner, TimeSpan latency) : IAgentPolicy
        {
            public async ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
            {
                await Task.Delay(latency, cancellationToken);
                return await inner.DecideAsync(request, cancellationToken);
            }
        }
    }
}
