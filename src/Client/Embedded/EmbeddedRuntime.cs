using SotopiaPi.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Silo.Telemetry;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer.Hosting;

namespace SotopiaPi.Client.Embedded;

/// <summary>The embedded cluster: one SQLite store and artifact folder under a home folder, and — when a command
/// needs one — an Orleans silo and a trainer in this process (<see cref="StartSiloAsync"/>): localhost clustering on
/// a free loopback port, no gateway, grain state in the store. A lock file makes sure only one process uses a home
/// folder at a time. A campaign interrupted by Ctrl-C or a kill resumes when the silo starts again (it wakes every
/// running campaign), from the last stored turn of each episode.</summary>
internal sealed class EmbeddedRuntime : IAsyncDisposable
{
    public const string SiloId = "embedded";
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

    /// <param name="home">The home folder.</param>
    /// <param name="cancellationToken">Cancels opening the store.</param>
    /// <param name="decorate">Wraps the opened store (tests observe what is written through it).</param>
    public static async Task<EmbeddedRuntime> OpenAsync(string home, CancellationToken cancellationToken, Func<ISotopiaStore, ISotopiaStore>? decorate = null)
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
            ISotopiaStore store = await SqliteSotopiaStore.OpenAsync(Path.Combine(home, "sotopia.db"), ct: cancellationToken);
            await store.MigrateAsync(cancellationToken);
            if (decorate is not null)
            {
                store = decorate(store);
            }
            var artifacts = new FileArtifactStore(Path.Combine(home, "artifacts"));
            return new EmbeddedRuntime(home, lockFile, store, artifacts);
        }
        catch
        {
            await lockFile.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a silo and a trainer in this process over this runtime's store.</summary>
    public async Task<EmbeddedSilo> StartSiloAsync(int maxConcurrentEpisodes, CancellationToken cancellationToken)
    {
        var host = BuildHost(maxConcurrentEpisodes);
        try
        {
            await host.StartAsync(cancellationToken);
            return new EmbeddedSilo(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private IHost BuildHost(int maxConcurrentEpisodes)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddProvider(new FileLoggerProvider(LogPath));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        // OTLP export when the standard OTEL_* variables are set (this host reads no other environment variables).
        builder.Configuration.AddInMemoryCollection(Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal))
            .Select(k => KeyValuePair.Create(k, Environment.GetEnvironmentVariable(k))));
        if (ServiceDefaultsExtensions.TelemetryProblems(builder.Configuration) is { Count: > 0 } problems)
        {
            throw new UserFacingException("OpenTelemetry settings: " + string.Join(" ", problems));
        }
        builder.AddSotopiaTelemetry("sotopia", web: false);
        var options = new SiloOptions
        {
            SiloId = SiloId,
            MaxConcurrentEpisodes = maxConcurrentEpisodes,
            SiloPort = FreeLoopbackPort(),
            GatewayPort = 0,
        };
        builder.UseOrleans(silo =>
        {
            silo.AddSotopiaSilo(options, Store, Artifacts);
            silo.UseSotopiaLocalCluster(options, Store);
        });
        if (Backend is { } backend)
        {
            backend(builder.Services);
        }
        else
        {
            builder.Services.AddSotopiaSimulatorBackend();
        }
        builder.Services.AddSingleton<CampaignLauncher>();
        builder.Services.AddSotopiaTrainer(o => o.TrainerId = TrainerId);
        return builder.Build();
    }

    /// <summary>Services for commands that use the backend and the store without a silo (task generation).</summary>
    public ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new FileLoggerProvider(LogPath)));
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
        return services.BuildServiceProvider();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _lock.DisposeAsync();
    }
}
