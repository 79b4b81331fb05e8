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
using SotopiaPi.Silo.Dashboard;
using Orleans.Dashboard;
using Orleans.Hosting;
using OpenTelemetry.Exporter;
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

        // The documented switches and variables (--store, SOTOPIA_STORE, …) set the SiloHost section the options bind.
        builder.Configuration.AddInMemoryCollection([.. SiloHostOptions.AliasedValues(builder.Configuration)]);
        var settings = SiloHostSettings.Resolve(builder.Configuration);
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
            app.MapSotopiaOrleansDashboard();
            if (settings.Prometheus)
            {
                app.MapPrometheusScrapingEndpoint(ApiTokenMiddleware.PrometheusPath);
            }

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

    /// <summary>Orleans' Kubernetes hosting: silo name, advertised address and cluster identity from the pod (POD_NAME,
    /// POD_IP, POD_NAMESPACE, ORLEANS_CLUSTER_ID/SERVICE_ID), and one silo watching the pods, so a deleted pod's silo is
    /// declared dead at once and a dead silo's pod is deleted. The cluster ids must agree with Silo:ClusterId, which
    /// the membership table is keyed by.</summary>
    private static void UseKubernetes(Orleans.Hosting.ISiloBuilder silo, SiloOptions options, IConfiguration configuration)
    {
        if (KubernetesProblems(configuration, options) is { Count: > 0 } problems)
        {
            throw new SiloConfigurationException(problems);
        }
        silo.UseKubernetesHosting();
    }

    /// <summary>What keeps Orleans' Kubernetes hosting from working with these settings (empty when nothing does).</summary>
    internal static IReadOnlyList<string> KubernetesProblems(IConfiguration configuration, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var variable in new[] { SiloSettingNames.OrleansClusterIdVariable, SiloSettingNames.OrleansServiceIdVariable })
        {
            if (configuration[variable] is { Length: > 0 } value && value != options.ClusterId)
            {
                problems.Add($"{variable}: '{value}' is not Silo:ClusterId '{options.ClusterId}' (set the pod's orleans/clusterId and orleans/serviceId labels to the cluster id).");
            }
        }
        foreach (var variable in new[] { SiloSettingNames.PodNameVariable, SiloSettingNames.PodNamespaceVariable, SiloSettingNames.PodIpVariable })
        {
            if (string.IsNullOrEmpty(configuration[variable]))
            {
                problems.Add($"{variable}: not set; in Kubernetes the silo needs it from the downward API (see k8s/base/silo-deployment.yaml).");
            }
        }
        return problems;
    }

    private static void AddServices(WebApplicationBuilder builder, SiloHostSettings settings, ISotopiaStore store, IArtifactStore artifacts)
    {
        var services = builder.Services;
        services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        // OpenTelemetry (service defaults): the providers are built with the host and flushed when it is disposed.
        builder.AddSotopiaTelemetry(prometheus: settings.Prometheus);
        var siloOptions = new SiloOptions();
        builder.Configuration.GetSection(SiloOptions.SectionName).Bind(siloOptions);
        builder.UseOrleans(silo =>
        {
            try
            {
                silo.AddSotopiaSilo(siloOptions, store, artifacts, settings.AdvertisedUrl ?? settings.ListenUrls.FirstOrDefault());
                // The Orleans dashboard's grains and counters (served under /orleans, see OrleansDashboardEndpoints).
                silo.AddDashboard();
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
                if (!string.IsNullOrEmpty(builder.Configuration[SiloSettingNames.KubernetesServiceHostVariable]))
                {
                    UseKubernetes(silo, siloOptions, builder.Configuration);
                }
            }
        });
        if (settings.Backend == "llm")
        {
            // Roles, endpoints and limits from --llm-config / SOTOPIA_LLM_CONFIG (or the OPENAI_* defaults); keys from the environment.
            services.AddSotopiaLlmBackend(LlmConfigLoader.Load(settings.LlmConfigPath));
        }
        else
        {
            services.AddSotopiaSimulatorBackend();
        }
        if (settings.RunTrainer)
        {
            services.AddOptions<TrainerOptions>().Bind(builder.Configuration.GetSection(TrainerOptions.SectionName));
            services.AddSotopiaTrainer();
        }
        services.AddSotopiaApi(settings.ApiToken, settings.DatasetsRoot);
    }
}
