using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Backends.External;
using SotopiaPi.Trainer.Backends.OpenAi;
using SotopiaPi.Trainer.Options;
using SotopiaPi.Trainer.Serving;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>Adds the trainer service to a host: its own process (an Orleans client) or a silo (the embedded run,
/// <c>--trainer</c>). The host provides an <see cref="IGrainFactory"/> (the client or the silo), the store (read by
/// adapter housekeeping) and the artifact store. All three backends are registered; which ones this trainer serves
/// is <see cref="TrainerOptions.Backends"/>.</summary>
public static class TrainerServiceCollectionExtensions
{
    /// <summary>Binds <see cref="TrainerOptions"/> from the "Trainer" section of <paramref name="configuration"/>,
    /// then applies <paramref name="configure"/>.</summary>
    public static IServiceCollection AddSotopiaTrainer(this IServiceCollection services, IConfiguration configuration, Action<TrainerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TrainerOptions>().Bind(configuration.GetSection(TrainerOptions.SectionName));
        return services.AddSotopiaTrainer(configure);
    }

    public static IServiceCollection AddSotopiaTrainer(this IServiceCollection services, Action<TrainerOptions>? configure = null)
    {
        var builder = services.AddOptions<TrainerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(TrainerMarker)))
        {
            return services;
        }
        services.AddSingleton<TrainerMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainerOptions>, TrainerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SotopiaInstruments>();
        services.TryAddSingleton<IPolicyVersions, RegistryPolicyVersions>();
        services.TryAddSingleton<IPromptReader, AgentPromptReader>();
        services.TryAddSingleton<SimulatorCheckpointStore>();
        services.TryAddSingleton(sp => new VllmClient(new HttpClient
        {
            Timeout = sp.GetRequiredService<IOptions<TrainerOptions>>().Value.External.ServerRequestTimeout,
        }));
        services.TryAddSingleton<VllmAdapterDeployer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingBackend, EmbeddedTrainingBackend>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingBackend, OpenAiFineTuningBackend>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingBackend, ExternalTrainingBackend>());
        services.AddHostedService<TrainerService>();
        return services;
    }

    private sealed class TrainerMarker;
}
