using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using SotopiaPi.Grains;
using SotopiaPi.Grains.Agents;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Silos;
using SotopiaPi.Silo.Options;
using SiloOptions = SotopiaPi.Silo.Options.SiloOptions;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Silo.Telemetry;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Simulator;
using SotopiaPi.Sotopia.Training;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Azure;
using SotopiaPi.Storage.Orleans;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Adds SotopiaPi to an Orleans silo: its grains' per-silo services, and one of the profiles (where
/// membership, reminders and grain state live). The host brings the store, the artifact store and one backend
/// (<see cref="AddSotopiaSimulatorBackend"/> or the LLM backend).</summary>
public static class SotopiaSiloBuilderExtensions
{
    /// <summary>Membership tuned so a dead or frozen silo is voted out within seconds (measured ≈3 s), not Orleans'
    /// default ≈8 s, and a silo that learns it was voted out stops.</summary>
    public static void TuneMembership(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>The grains' services on this silo. Throws <see cref="OptionsValidationException"/> listing every
    /// problem of <paramref name="options"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="options">Its settings.</param>
    /// <param name="store">The project store (opened and migrated by the caller, who disposes it).</param>
    /// <param name="artifacts">The artifact store.</param>
    /// <param name="apiUrl">Where this silo's HTTP API listens, advertised to the cluster (null: none).</param>
    public static ISiloBuilder AddSotopiaSilo(this ISiloBuilder silo, SiloOptions options, ISotopiaStore store, IArtifactStore artifacts, string? apiUrl = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new SiloOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(SiloOptions.SectionName, typeof(SiloOptions), validation.Failures);
        }
        var services = silo.Services;
        if (services.Any(d => d.ServiceType == typeof(SiloMarker)))
        {
            return silo;
        }
        services.AddSingleton<SiloMarker>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSotopiaStore(store, artifacts);
        services.AddSerializer(s => s.AddSotopiaSerialization());
        // Grain calls carry the caller's trace context (W3C) and get spans from Microsoft.Orleans.Application.
        silo.AddActivityPropagation();
        services.AddOptions<CampaignOptions>().Bind(silo.Configuration.GetSection(CampaignOptions.SectionName));
        services.AddOptions<TrainingQueueOptions>().Bind(silo.Configuration.GetSection(TrainingQueueOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSotopiaInstruments();
        services.TryAddSingleton<EpisodeSetupCache>();
        services.TryAddSingleton<LocalAgents>();
        services.TryAddSingleton(new EpisodeSlots(options.MaxConcurrentEpisodes));
        services.TryAddSingleton<PolicyCache>();
        services.TryAddSingleton<IPolicyVersions>(sp => sp.GetRequiredService<PolicyCache>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PolicyCache>());
        services.TryAddSingleton<IEpisodeCapacity, ClusterCapacity>();
        services.TryAddSingleton<ICampaignControl, GrainCampaignControl>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CampaignWaker>();
        services.TryAddSingleton<SiloStopping>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStopping>());
        services.AddHostedService<SiloMetrics>();

        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = options.SiloId);
        silo.Configure<ClusterMembershipOptions>(TuneMembership);
        var metadata = new Dictionary<string, string>
        {
            [ClusterCapacity.MetadataKey] = options.MaxConcurrentEpisodes.ToString(CultureInfo.InvariantCulture),
        };
        if (apiUrl is not null)
        {
            metadata[OrleansSiloDirectory.ApiUrlKey] = apiUrl;
        }
        silo.UseSiloMetadata(metadata);
        return silo;
    }

    /// <summary>One silo on this machine (the embedded run, or a silo on a SQLite file): Orleans' localhost clustering
    /// on 127.0.0.1, reminders in memory (a running campaign is woken when its silo starts again), grain state in
    /// the project store.</summary>
    public static ISiloBuilder UseSotopiaLocalCluster(this ISiloBuilder silo, SiloOptions options, IGrainStateStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ClusterId, clusterId: options.ClusterId);
        silo.UseInMemoryReminderService();
        silo.Services.AddGrainStorage(StorageNames.Sotopia, (_, _) => new StoreGrainStorage(store));
        return silo;
    }

    /// <summary>A cluster of silos on one PostgreSQL database: Orleans membership and reminders through its ADO.NET
    /// providers (their tables are created by the store's migrations), grain state in the project store.</summary>
    public static ISiloBuilder UseSotopiaPostgresCluster(this ISiloBuilder silo, SiloOptions options, string connectionString, IGrainStateStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ClusterId;
        });
        silo.UseSotopiaPostgresClustering(connectionString);
        silo.UseSotopiaPostgresReminders(connectionString);
        ConfigureClusterEndpoints(silo, options);
        silo.Services.AddGrainStorage(StorageNames.Sotopia, (_, _) => new StoreGrainStorage(store));
        return silo;
    }

    /// <summary>The azure profile: membership and reminders on Azure Table storage, grain state on Azure Blob storage
    /// (JSON, ETag-conditional writes). The project store stays PostgreSQL; the artifact store is the caller's
    /// (<see cref="BlobArtifactStore"/>).</summary>
    public static ISiloBuilder UseSotopiaAzureCluster(this ISiloBuilder silo, SiloOptions options, AzureStorageOptions azure)
    {
        ArgumentNullException.ThrowIfNull(options);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ClusterId;
        });
        silo.UseSotopiaAzureClustering(azure);
        silo.UseSotopiaAzureReminders(azure);
        silo.AddSotopiaAzureGrainStorage(StorageNames.Sotopia, azure);
        ConfigureClusterEndpoints(silo, options);
        return silo;
    }

    /// <summary>Listens on every interface and advertises <c>Silo:AdvertisedAddress</c>, the pod IP, or the machine's address.</summary>
    private static void ConfigureClusterEndpoints(ISiloBuilder silo, SiloOptions options)
    {
        var advertised = options.AdvertisedAddress ?? Environment.GetEnvironmentVariable(SiloSettingNames.PodIpVariable);
        if (advertised is not null)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }
    }

    /// <summary>The offline simulator: expert, partner and trainable policies and the simulator judge.</summary>
    public static IServiceCollection AddSotopiaSimulatorBackend(this IServiceCollection services)
    {
        services.TryAddSingleton<IPromptReader, AgentPromptReader>();
        services.TryAddSingleton<SimulatorCheckpointStore>();
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName)
            .Validate(o => !o.Validate().Any(), "Invalid Simulator settings")
            .ValidateOnStart();
        services.TryAddSingleton<IPolicyProvider>(sp =>
        {
            var checkpoints = sp.GetRequiredService<SimulatorCheckpointStore>();
            IPolicyProvider simulator = new SimulatorPolicyProvider(
                sp.GetRequiredService<IPromptReader>(),
                (binding, ct) => checkpoints.LoadAsync(binding.PolicyName, binding.Version, ct));
            var latency = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.DecisionLatency;
            return latency > TimeSpan.Zero ? new LatentPolicyProvider(simulator, latency, sp.GetRequiredService<TimeProvider>()) : simulator;
        });
        services.TryAddSingleton<IEpisodeJudge, SimulatorJudge>();
        services.TryAddSingleton(CampaignModels.Simulator);
        return services;
    }

    /// <summary>Registers the store (and its narrow contracts) and the artifact store as instances: the caller
    /// opened them and disposes them; the container never does.</summary>
    public static IServiceCollection AddSotopiaStore(this IServiceCollection services, ISotopiaStore store, IArtifactStore artifacts)
    {
        services.TryAddSingleton(store);
        services.TryAddSingleton<IPolicyStore>(store);
        services.TryAddSingleton<IEpisodeStore>(store);
        services.TryAddSingleton<ICampaignStore>(store);
        services.TryAddSingleton<ITrainingStore>(store);
        services.TryAddSingleton<IDatasetStore>(store);
        services.TryAddSingleton<IGrainStateStore>(store);
        services.TryAddSingleton(artifacts);
        return services;
    }

    private sealed class SiloMarker;
}
