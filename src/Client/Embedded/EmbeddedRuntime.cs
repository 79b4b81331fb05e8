using SotopiaPi.Grains.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Silo.Telemetry;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Storage;
using SotopiaPi.Trainer.Hosting;

namespace SotopiaPi.Client.Embedded;

/// <summary>The embedded cluster: one SQLite store and artifact folder under a home folder, and — when asked —
/// a host running a silo and a trainer in this process. A lock file makes sure only one process uses a home
/// folder at a time, which is what lets a restarted process take its dead predecessor's leases at once.</summary>
internal sealed class EmbeddedRuntime : IAsyncDisposable
{
    public const string SiloId = "embedded-silo";
    public const string TrainerId = "embedded-trainer";

    private readonly FileStream _lock;

    private EmbeddedRuntime(string home, FileStream lockFile, ISotopiaStore store, IArtifactStore artifacts)
    {
        Home = home;
        _lock = lockFile;
        Store = store;
        Artifacts = artifacts;
    }

    public string Home { get; }
    public ISotopiaStore Store { get; }
    public IArtifactStore Artifacts { get; }
    public string LogPath => Path.Combine(Home, "logs", "sotopia.log");

    /// <summary>Registers the backend (policies, judge, campaign models); null = the offline simulator.</summary>
    public Action<IServiceCollection>? Backend { get; set; }

    public static async Task<EmbeddedRuntime> OpenAsync(string home, CancellationToken cancellationToken)
    {
        home = Path.GetFullPath(home);
        Directory.CreateDirectory(home);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(home, "sotopia.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new UserFacingException($"Another sotopia process is using '{home}'. Wait for it to finish, or use another --home/--out folder.");
        }
        try
        {
            var store = await SqliteSotopiaStore.OpenAsync(Path.Combine(home, "sotopia.db"), ct: cancellationToken);
            await store.MigrateAsync(cancellationToken);
            var artifacts = new FileArtifactStore(Path.Combine(home, "artifacts"));
            return new EmbeddedRuntime(home, lockFile, store, artifacts);
        }
        catch
        {
            await lockFile.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds a host with a silo and a trainer over this runtime's store.</summary>
    public IHost BuildHost(int maxConcurrentEpisodes)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(new FileLoggerProvider(LogPath));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        // OTLP export when the standard OTEL_* variables are set.
        var telemetry = OtlpExportSettings.Read(Environment.GetEnvironmentVariable);
        if (telemetry.Problems.Count > 0)
        {
            throw new UserFacingException("OpenTelemetry settings: " + string.Join(" ", telemetry.Problems));
        }
        builder.Services.AddSotopiaTelemetry(telemetry, "sotopia");
        AddServices(builder.Services);
        builder.Services.AddSotopiaSilo(o =>
        {
            o.SiloId = SiloId;
            o.MaxConcurrentEpisodes = maxConcurrentEpisodes;
        });
        builder.Services.AddSotopiaTrainer(o => o.TrainerId = TrainerId);
        return builder.Build();
    }

    /// <summary>Services for commands that only read or write the store (no silo running).</summary>
    public ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new FileLoggerProvider(LogPath)));
        AddServices(services);
        return services.BuildServiceProvider();
    }

    private void AddServices(IServiceCollection services)
    {
        services.AddSotopiaStore(Store, Artifacts);
        services.AddSingleton(TimeProvider.System);
        if (Backend is { } backend)
        {
            backend(services);
        }
        else
        {
            services.AddSotopiaSimulatorBackend();
        }
        services.AddSingleton<PolicyRegistryGrain>();
        services.AddSingleton<CampaignLauncher>();
    }

    /// <summary>This process is the only one using the home folder (the lock file says so), so leases still
    /// held under the embedded ids belong to a process that died: give them back so work resumes at once
    /// instead of after the lease timeout.</summary>
    public async Task ReclaimOrphanedLeasesAsync(CancellationToken cancellationToken)
    {
        foreach (var campaign in await Store.ListCampaignsAsync(cancellationToken))
        {
            await ReleaseIfOursAsync(LeaseKinds.Campaign, campaign.Id, cancellationToken);
            foreach (var round in campaign.Rounds)
            {
                if (round.TrainingRequestId is { } requestId)
                {
                    await ReleaseIfOursAsync(LeaseKinds.Training, requestId, cancellationToken);
                }
            }
            if (campaign.Status is CampaignStatus.Running or CampaignStatus.Paused)
            {
                var running = await Store.ListEpisodesAsync(
                    new EpisodeQuery { CampaignId = campaign.Id, Status = EpisodeStatus.Running }, cancellationToken);
                foreach (var episode in running)
                {
                    await ReleaseIfOursAsync(LeaseKinds.Episode, episode.Id, cancellationToken);
                }
            }
        }
    }

    private async Task ReleaseIfOursAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var lease = await Store.GetLeaseAsync(kind, key, cancellationToken);
        if (lease is not null && IsEmbeddedOwner(lease.Owner))
        {
            await Store.ReleaseAsync(lease, cancellationToken);
        }
    }

    /// <summary>Lease owners are "&lt;id&gt;#&lt;process suffix&gt;" (see SiloOptions.LeaseOwner).</summary>
    private static bool IsEmbeddedOwner(string owner) =>
        owner.StartsWith(SiloId + "#", StringComparison.Ordinal) || owner.StartsWith(TrainerId + "#", StringComparison.Ordinal)
        || owner is SiloId or TrainerId;

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _lock.DisposeAsync();
    }
}
