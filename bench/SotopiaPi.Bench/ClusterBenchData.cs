using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;

namespace SotopiaPi.Bench;

/// <summary>What the cluster benchmarks share: a fresh database with the starter dataset and N pending simulator
/// episodes (expert vs expert on the starter tasks, as in the SQLite benchmark), and in-process silos — each
/// with its own <see cref="PostgresSotopiaStore"/> (own connection pool, own group-commit writers), so they
/// share the database exactly as separate processes would, but share this process's CPU and GC.</summary>
internal static class ClusterBenchData
{
    public const string CampaignId = "bench";

    /// <summary>Imports the starter dataset and creates <paramref name="episodes"/> pending episodes.</summary>
    public static async Task CreateEpisodesAsync(PostgresSotopiaStore store, int episodes)
    {
        var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
        await store.ImportDatasetAsync(dataset);
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, CampaignId, "bench", TimeSpan.FromHours(1))
            ?? throw new InvalidOperationException("could not take the bench campaign lease");
        var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < episodes; start += 5000)
        {
            var chunk = Enumerable.Range(start, Math.Min(5000, episodes - start)).Select(i =>
            {
                var task = dataset.Tasks[i % dataset.Tasks.Length];
                return new EpisodeRecord
                {
                    Id = $"bench-{i:D6}",
                    CampaignId = CampaignId,
                    Round = 0,
                    Phase = "bench",
                    TaskId = task.Id,
                    ScenarioId = task.ScenarioId,
                    Agent1Id = task.Agent1Id,
                    Agent2Id = task.Agent2Id,
                    Seats = [expert, expert],
                    Seed = i,
                    CreatedAt = now.AddTicks(i),
                };
            }).ToList();
            await store.CreateEpisodesAsync(lease, chunk);
        }
    }

    /// <summary>A silo host (episode scheduler, heartbeat; no campaign driver) over its own store.</summary>
    /// <param name="store">This silo's store.</param>
    /// <param name="artifacts">The artifacts folder.</param>
    /// <param name="configure">Silo options.</param>
    /// <param name="decorate">Replaces the policy provider (e.g. to add latency), given the simulator's.</param>
    public static IHost BuildSilo(PostgresSotopiaStore store, string artifacts, Action<SiloOptions> configure, Func<IPolicyProvider, IPolicyProvider>? decorate = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddSotopiaStore(store, new FileArtifactStore(artifacts));
        builder.Services.AddSotopiaSimulatorBackend();
        if (decorate is not null)
        {
            var original = builder.Services.Last(d => d.ServiceType == typeof(IPolicyProvider));
            builder.Services.Remove(original);
            builder.Services.AddSingleton(sp => decorate(
                (IPolicyProvider)(original.ImplementationInstance ?? original.ImplementationFactory!(sp))));
        }
        builder.Services.AddSotopiaSilo(o =>
        {
            o.RunCampaigns = false;
            configure(o);
        });
        return builder.Build();
    }

    public static SiloStatistics Statistics(IHost silo) => silo.Services.GetRequiredService<SiloStatistics>();

    public static double RssMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }

    /// <summary>The 1-minute load average, for the results (the machine is shared).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>The given percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
