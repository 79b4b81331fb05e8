using Orleans.Serialization;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;
using SotopiaPi.Grains;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Storage.Orleans;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Trainer.Hosting;

namespace SotopiaPi.Cluster.Tests.InProcess;

/// <summary>Makes a TestingHost silo a SotopiaPi silo: the grains' services over the shared store, grain state in it,
/// reminders in memory, the simulator backend (its policies behind the test's gate, if any); the primary silo also
/// hosts the trainer.</summary>
public sealed class SotopiaSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var name = siloBuilder.Configuration["Orleans:Name"] ?? "silo";
        var shared = TestSilos.Get(siloBuilder.Configuration[TestSilos.KeySetting]!);
        var options = new SiloOptions
        {
            SiloId = name,
            MaxConcurrentEpisodes = int.Parse(siloBuilder.Configuration[TestSilos.CapacitySetting] ?? "32", CultureInfo.InvariantCulture),
        };
        siloBuilder.AddSotopiaSilo(options, shared.Store, shared.Artifacts);
        siloBuilder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(shared.Logs);
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddGrainStorage(StorageNames.Sotopia, (_, _) => new StoreGrainStorage(shared.Store));
        siloBuilder.Services.AddSotopiaSimulatorBackend();
        if (shared.Gate is { } gate)
        {
            siloBuilder.Services.Decorate(gate);
        }
        if (name == Orleans.Runtime.Silo.PrimarySiloName)
        {
            siloBuilder.Services.AddSotopiaTrainer(o => o.TrainerId = "trainer-" + name);
        }
    }
}

/// <summary>The test cluster's client speaks our records too.</summary>
public sealed class SotopiaClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.Services.AddSerializer(s => s.AddSotopiaSerialization());
}

internal static class GateRegistration
{
    /// <summary>Wraps the registered <see cref="IPolicyProvider"/> so every decision passes <paramref name="gate"/>.</summary>
    public static void Decorate(this IServiceCollection services, PolicyGate gate)
    {
        var inner = services.Last(d => d.ServiceType == typeof(IPolicyProvider));
        services.Remove(inner);
        services.AddSingleton<IPolicyProvider>(sp => new GatedPolicyProvider((IPolicyProvider)inner.ImplementationFactory!(sp), gate));
    }
}
