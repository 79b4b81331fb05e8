using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Policies;
using SotopiaPi.Grains.Prompts;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>Adds the trainer service to a host (its own process, or in-process in embedded mode). The host
/// provides the store and artifact store (<c>AddSotopiaStore</c>).</summary>
public static class TrainerServiceCollectionExtensions
{
    public static IServiceCollection AddSotopiaTrainer(this IServiceCollection services, Action<TrainerOptions>? configure = null)
    {
        var builder = services.AddOptions<TrainerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(TrainerMarker)))
        {
            return services;
        }
        services.AddSingleton<TrainerMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyRegistryGrain>();
        services.TryAddSingleton<IPromptReader, AgentPromptReader>();
        services.TryAddSingleton<SimulatorCheckpointStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingBackend, EmbeddedTrainingBackend>());
        services.AddHostedService<TrainerService>();
        return services;
    }

    private sealed class TrainerMarker;
}
