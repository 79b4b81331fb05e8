using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Plays N simulator episodes (expert vs expert on the starter tasks) through the real silo — claims,
/// leases, per-turn durable writes, the judge — on a fresh SQLite store, with a given number of episodes in
/// flight, and measures wall time and memory.</summary>
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
            await store.MigrateAsync();
            var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
            await store.ImportDatasetAsync(dataset);
            var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "bench", "bench", TimeSpan.FromHours(1))
                ?? throw new InvalidOperationException("could not take the bench campaign lease");
            var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");
            var now = DateTimeOffset.UtcNow;
            var records = Enumerable.Range(0, episodes).Select(i =>
            {
                var task = dataset.Tasks[i % dataset.Tasks.Length];
                return new EpisodeRecord
                {
                    Id = $"bench-{i:D6}",
                    CampaignId = "bench",
                    Round = 0,
                    Phase = "bench",
                    TaskId = task.Id,
                    ScenarioId = task.ScenarioId,
                    Agent1Id = task.Agent1Id,
                    Agent2Id = task.Agent2Id,
                    Seats = [expert, expert],
                    Seed = i,
                    CreatedAt = now,
                };
            }).ToList();
            await store.CreateEpisodesAsync(lease, records);

            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSotopiaStore(store, new FileArtifactStore(Path.Combine(home, "artifacts")));
            builder.Services.AddSotopiaSimulatorBackend();
            builder.Services.AddSotopiaSilo(o =>
            {
                o.SiloId = "bench-silo";
                o.MaxConcurrentEpisodes = concurrency;
                o.ClaimBatchSize = Math.Min(concurrency, 512);
                o.RunCampaigns = false;
            });
            using var host = builder.Build();
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var stopwatch = Stopwatch.StartNew();
            await host.StartAsync();
            long peakRss = 0;
            while (true)
            {
                var counts = await store.CountEpisodesAsync("bench");
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
                if (counts.Finished == counts.Total)
                {
                    break;
                }
                await Task.Delay(20);
            }
            stopwatch.Stop();
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            await host.StopAsync();
            long turns = 0;
            foreach (var record in records.Take(200))
            {
                turns += (await store.GetTurnsAsync(record.Id)).Length;
            }
            turns = turns * episodes / Math.Min(200, episodes);
            return new Result(episodes, turns, stopwatch.Elapsed.TotalSeconds, peakRss / 1048576.0, heap / 1048576.0);
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
