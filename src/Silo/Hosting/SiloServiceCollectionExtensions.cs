using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Policies;
using SotopiaPi.Grains.Prompts;
using SotopiaPi.Grains.Simulator;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;

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
        services.AddSotopiaStoreViews();
        services.TryAddSingleton<PolicyRegistryGrain>();
        services.TryAddSingleton<WorkSignal>();
        services.TryAddSingleton<SiloStatistics>();
        services.TryAddSingleton<DatasetCache>();
        services.AddHostedService<LeaseHeartbeat>();
        services.AddHostedService<EpisodeScheduler>();
        services.AddHostedService<CampaignScheduler>();
        return services;
    }

    /// <summary>The offline simulator: expert, partner and trainable policies and the simulator judge.</summary>
    public static IServiceCollection AddSotopiaSimulatorBackend(this IServiceCollection services)
    {
        services.AddSotopiaStoreViews();
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

    /// <summary>Registers the narrow store contracts as views of the one <see cref="ISotopiaStore"/>.</summary>
    public static IServiceCollection AddSotopiaStoreViews(this IServiceCollection services)
    {
        services.TryAddSingleton<IPolicyStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        services.TryAddSingleton<IEpisodeStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        services.TryAddSingleton<ICampaignStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        services.TryAddSingleton<ITrainingStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        services.TryAddSingleton<IDatasetStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        services.TryAddSingleton<ILeaseStore>(sp => sp.GetRequiredService<ISotopiaStore>());
        return services;
    }

    private sealed class SiloMarker;
}
