using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api;
using SotopiaPi.Silo.Api.Health;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Telemetry;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Storage.Azure;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Builds the silo process: reads and checks the settings (refusing a non-loopback address without an
/// API token), opens and migrates the store (the Orleans tables included), and composes one web application: the
/// Orleans silo (its profile: <c>--profile azure</c> puts Orleans and the artifacts on Azure Storage; otherwise the store
/// chooses: a SQLite file runs one local silo, PostgreSQL a cluster), the
/// backend, the optional in-process trainer and the HTTP API.</summary>
public static class SiloHost
{
    /// <param name="args">The command line (ASP.NET configuration syntax plus bare <c>--trainer</c>).</param>
    /// <param name="configure">Runs before the settings are read: add configuration, set URLs, or register
    /// services that take precedence over the defaults (the defaults are added with TryAdd).</param>
    /// <param name="configureServices">Runs after the silo's services were added: replace or decorate them (tests).</param>
    /// <param name="decorateStore">Wraps the opened store (tests observe what is written through it).</param>
    /// <param name="cancellationToken">Cancels opening the store.</param>
    /// <exception cref="SiloConfigurationException">The settings are not usable (every problem is listed).</exception>
    /// <exception cref="StoreOpenException">The store could not be opened or migrated.</exception>
    public static async Task<SiloApplication> CreateAsync(
        IReadOnlyList<string> args,
        Action<WebApplicationBuilder>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        Func<ISotopiaStore, ISotopiaStore>? decorateStore = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = SiloCommandLine.Normalize(args),
            ApplicationName = typeof(SiloHost).Assembly.GetName().Name,
        });
        // One line per request at Information would drown the silo's own log (the console polls every second);
        // Orleans' own start-up chatter likewise.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // Orleans runs placement through a Polly pipeline that logs every attempt at Information.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        configure?.Invoke(builder);

        var settings = SiloHostSettings.Read(builder.Configuration);
        if (settings.UsesDefaultUrl)
        {
            builder.WebHost.UseUrls(SiloSettingNames.DefaultUrl);
        }

        ISotopiaStore store;
        try
        {
            store = await SotopiaStoreFactory.OpenAsync(settings.Store, TimeProvider.System, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StoreOpenException(settings.Store, ex);
        }

        if (decorateStore is not null)
        {
            store = decorateStore(store);
        }
        try
        {
            IArtifactStore artifacts = settings.Azure is { } azure
                ? await BlobArtifactStore.OpenAsync(
                    azure.CreateBlobServiceClient().GetBlobContainerClient(azure.ArtifactsContainer), settings.ArtifactsRoot, cancellationToken)
                : new FileArtifactStore(settings.ArtifactsRoot);
            AddServices(builder, settings, store, artifacts);
            configureServices?.Invoke(builder.Services);
            var app = builder.Build();
            app.Services.GetRequiredService<SiloReadiness>().OnMigrated();
            app.UseSotopiaApi();

            var siloId = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloId;
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloHost));
            SotopiaApiLog.Starting(logger, siloId, settings.ToString());
            app.Lifetime.ApplicationStopping.Register(() => SotopiaApiLog.Stopping(logger, siloId));
            app.Lifetime.ApplicationStopped.Register(() => SotopiaApiLog.Stopped(logger, siloId));
            return new SiloApplication(app, store, settings);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static void AddServices(WebApplicationBuilder builder, SiloHostSettings settings, ISotopiaStore store, IArtifactStore artifacts)
    {
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        // First, so the exporters start before the silo's services and stop (flush) after them.
        services.AddSotopiaTelemetry(settings.Telemetry);
        var siloOptions = new SiloOptions();
        builder.Configuration.GetSection(SiloOptions.SectionName).Bind(siloOptions);
        builder.UseOrleans(silo =>
        {
            try
            {
                silo.AddSotopiaSilo(siloOptions, store, artifacts, settings.AdvertisedUrl ?? settings.ListenUrls.FirstOrDefault());
            }
            catch (OptionsValidationException ex)
            {
                throw new SiloConfigurationException(ex.Failures.ToList());
            }
            if (settings.Azure is { } azure)
            {
                silo.UseSotopiaAzureCluster(siloOptions, azure);
            }
            else if (settings.Store.Kind == StoreKind.Sqlite)
            {
                silo.UseSotopiaLocalCluster(siloOptions, store);
            }
            else
            {
                silo.UseSotopiaPostgresCluster(siloOptions, settings.Store.Value, store);
            }
        });
        var backend = builder.Configuration[SiloSettingNames.Backend] ?? builder.Configuration[SiloSettingNames.BackendVariable] ?? "simulator";
        switch (backend.Trim().ToLowerInvariant())
        {
            case "simulator":
                services.AddSotopiaSimulatorBackend();
                break;
            case "llm":
                // Roles, endpoints and limits from SOTOPIA_LLM_CONFIG (or the OPENAI_* defaults); keys from the environment.
                services.AddSotopiaLlmBackend(LlmConfigLoader.Load(builder.Configuration[SiloSettingNames.LlmConfig]));
                break;
            default:
                throw new InvalidOperationException($"backend: '{backend}' is not one of simulator, llm (set --backend or SOTOPIA_BACKEND).");
        }
        if (settings.RunTrainer)
        {
            services.AddOptions<TrainerOptions>().Bind(builder.Configuration.GetSection(TrainerOptions.SectionName));
            services.AddSotopiaTrainer();
        }
        services.AddSotopiaApi(settings.ApiToken);
    }
}
