using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Storage.Artifacts;

namespace SotopiaPi.Bench;

/// <summary>One Orleans silo in this process for the benchmarks: the real grains, its own store (so several silos share
/// a database exactly as separate processes would, but share this process's CPU and GC), the simulator backend
/// (optionally with a simulated model latency per decision), no HTTP API.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    public const string CampaignId = "bench";

    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => _host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>This silo's episode slots: episodes playing and completed here.</summary>
    public EpisodeSlots Slots => _host.Services.GetRequiredService<EpisodeSlots>();

    /// <param name="siloId">The silo's name.</param>
    /// <param name="store">Its store (opened and migrated; the caller disposes it).</param>
    /// <param name="artifacts">The artifacts folder.</param>
    /// <param name="capacity">Episodes it plays at once.</param>
    /// <param name="postgres">The cluster's PostgreSQL connection string (membership and reminders), or null for a
    /// single silo with localhost clustering.</param>
    /// <param name="latency">Simulated model latency per decision.</param>
    /// <param name="clusterId">The cluster's id (one per benchmark run, so runs never meet in a shared table).</param>
    /// <param name="backend">Registers the agents' and judge's backend (default: the simulator).</param>
    public static async Task<BenchSilo> StartAsync(
        string siloId, ISotopiaStore store, string artifacts, int capacity, string? postgres, TimeSpan latency, string clusterId,
        Action<IServiceCollection>? backend = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter((category, level) => level >= LogLevel.Error);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:DecisionLatency"] = latency.ToString("c", CultureInfo.InvariantCulture),
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        if (backend is null)
        {
            builder.Services.AddSotopiaSimulatorBackend();
        }
        else
        {
            backend(builder.Services);
        }
        var options = new SiloOptions
        {
            SiloId = siloId,
            ClusterId = clusterId,
            MaxConcurrentEpisodes = capacity,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
            AdvertisedAddress = "127.0.0.1",
        };
        var artifactStore = new FileArtifactStore(artifacts);
        builder.UseOrleans(silo =>
        {
            silo.AddSotopiaSilo(options, store, artifactStore);
            if (postgres is null)
            {
                silo.UseSotopiaLocalCluster(options, store);
            }
            else
            {
                silo.UseSotopiaPostgresCluster(options, postgres, store);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>Creates <paramref name="episodes"/> pending episodes (expert vs expert on the starter tasks, ~16.5 turns
    /// each with the simulator; both seats on <paramref name="model"/>) after importing the starter dataset.</summary>
    public static async Task<IReadOnlyList<EpisodeRecord>> CreateEpisodesAsync(ISotopiaStore store, int episodes, string model = "sim-expert")
    {
        var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
        var version = await store.ImportDatasetAsync(dataset, "starter");
        var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, model);
        var now = DateTimeOffset.UtcNow;
        var created = new List<EpisodeRecord>(episodes);
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
                    DatasetVersion = version.Version,
                    CreatedAt = now.AddTicks(i),
                };
            }).ToList();
            await store.CreateEpisodesAsync(chunk);
            created.AddRange(chunk);
        }
        return created;
    }

    /// <summary>Starts every episode through <paramref name="via"/>'s grain factory, placing them round-robin on
    /// <paramref name="silos"/> (Orleans' placement hint, as the campaign grain places them); each waits on its silo
    /// for one of the silo's slots.</summary>
    public static async Task StartEpisodesAsync(BenchSilo via, IReadOnlyList<BenchSilo> silos, IReadOnlyList<string> episodeIds)
    {
        var addresses = silos.Select(s => s.Address).ToList();
        // A placement hint naming a silo the placing silo does not see yet is ignored: wait until it sees them all.
        var membership = via._host.Services.GetRequiredService<IClusterMembershipService>();
        var seen = Stopwatch.StartNew();
        while (!addresses.All(a => membership.CurrentSnapshot.GetSiloStatus(a) == SiloStatus.Active))
        {
            if (seen.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"silo {via.Address} did not see all {addresses.Count} silos active within a minute");
            }
            await Task.Delay(50);
        }
        foreach (var batch in episodeIds.Select((id, i) => (id, i)).Chunk(512))
        {
            var calls = new List<Task>(batch.Length);
            foreach (var (id, i) in batch)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, addresses[i % addresses.Count]);
                calls.Add(via.Grains.GetGrain<IEpisodeGrain>(id).StartAsync(CampaignId, null));
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
            await Task.WhenAll(calls);
        }
    }

    /// <summary>Waits until the silos completed <paramref name="episodes"/> episodes between them (sampling every 20 ms:
    /// a benchmark, not a test), tracking this process's peak RSS; returns it in MB.</summary>
    public static async Task<double> WaitForCompletedAsync(IReadOnlyList<BenchSilo> silos, long episodes, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var peak = 0.0;
        while (true)
        {
            peak = Math.Max(peak, RssMb());
            var completed = silos.Sum(s => s.Slots.Completed);
            var failed = silos.Sum(s => s.Slots.Failed);
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} episodes failed");
            }
            if (completed >= episodes)
            {
                return peak;
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"only {completed} of {episodes} episodes completed within {timeout}");
            }
            await Task.Delay(20);
        }
    }

    public static double RssMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }

    /// <summary>The 1-minute load average, for the results (the machine may be shared).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
