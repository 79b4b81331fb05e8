using SotopiaPi.Grains.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Simulator;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Silo.Telemetry;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Adds a silo (episode and campaign grains on leases) to a host. The host provides the
/// <see cref="ISotopiaStore"/> and <see cref="IArtifactStore"/> and one backend
/// (<see cref="AddSotopiaSimulatorBackend"/> or the LLM backend).</summary>
public static class SiloServiceCollectionExtensions
{
    public static IServiceCollection AddSotopiaSilo(this IServiceCollection services, Action<SiloOptions>? configure = null)
    {
        var builder = services.AddOptions<SiloOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(SiloMarker)))
        {
            return services;
        }
        services.AddSingleton<SiloMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.AddOptions<CampaignGrainOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyRegistryGrain>();
        services.TryAddSingleton<WorkSignal>();
        services.TryAddSingleton<CampaignWakeup>();
        services.TryAddSingleton<SiloStatistics>();
        services.TryAddSingleton<DatasetCache>();
        services.AddSotopiaInstruments();
        services.TryAddSingleton<EpisodeTraceContexts>();
        services.AddHostedService<SiloMetrics>();
        services.AddHostedService<LeaseHeartbeat>();
        services.AddHostedService<EpisodeScheduler>();
        services.AddHostedService<CampaignScheduler>();
        services.AddHostedService<NotificationPump>();
        return services;
    }

    /// <summary>The offline simulator: expert, partner and trainable policies and the simulator judge.</summary>
    public static IServiceCollection AddSotopiaSimulatorBackend(this IServiceCollection services)
    {
        services.TryAddSingleton<IPromptReader, AgentPromptReader>();
        services.TryAddSingleton<SimulatorCheckpointStore>();
        services.TryAddSingleton<IPolicyProvider>(sp =>
        {
            var checkpoints = sp.GetRequiredService<SimulatorCheckpointStore>();
            return new SimulatorPolicyProvider(
                sp.GetRequiredService<IPromptReader>(),
                (binding, ct) => checkpoints.LoadAsync(binding.PolicyName, binding.Version, ct));
        });
        services.TryAddSingleton<IEpisodeJudge, SimulatorJudge>();
        services.TryAddSingleton(CampaignModels.Simulator);
        return services;
    }

    /// <summary>Registers the store (and its narrow contracts) and the artifact store as instances: the caller
    /// opened them and disposes them; the container never does.</summary>
    public static IServiceCollection AddSotopiaStore(this IServiceCollection services, ISotopiaStore store, IArtifactStore artifacts)
    {
        services.AddSingleton(store);
        services.AddSingleton<IPolicyStore>(store);
        services.AddSingleton<IEpisodeStore>(store);
        services.AddSingleton<ICampaignStore>(store);
        services.AddSingleton<ITrainingStore>(store);
        services.AddSingleton<IDatasetStore>(store);
        services.AddSingleton<ILeaseStore>(store);
        services.AddSingleton(artifacts);
        return services;
    }

    private sealed class SiloMarker;
}
