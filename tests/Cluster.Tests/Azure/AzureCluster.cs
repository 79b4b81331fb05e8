using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using SotopiaPi.Cluster.Tests.InProcess;
using SotopiaPi.Grains;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Azure;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Trainer.Hosting;

namespace SotopiaPi.Cluster.Tests.Azure;

/// <summary>TestingHost silos in this process on the azure profile: membership and reminders in Azurite's Table service,
/// grain state and artifacts in its Blob service, the project store in a private PostgreSQL database.</summary>
internal sealed class AzureCluster : TestingHostCluster
{
    private static readonly ConcurrentDictionary<string, AzureCluster> All = new(StringComparer.Ordinal);
    private const string KeySetting = "Sotopia:AzureTestKey";

    public BlobArtifactStore Artifacts { get; private set; } = null!;
    public AzureStorageOptions Azure { get; private set; } = null!;
    public PolicyGate? Gate { get; private set; }
    public int Capacity { get; private set; }

    /// <summary>The name of the silo that hosts the trainer (the first one configured: without TestingHost's membership
    /// there is no "Primary").</summary>
    public string? TrainerSilo => TrainerSiloField;

    internal string? TrainerSiloField;

    public static async Task<AzureCluster> StartAsync(AzuriteFixture azurite, PostgresServerFixture postgres, int silos, int capacityPerSilo, PolicyGate? gate = null)
    {
        var cluster = new AzureCluster { Gate = gate, Capacity = capacityPerSilo };
        cluster.Azure = azurite.Options("c" + cluster.Key[..10]);
        var database = await postgres.CreateDatabaseAsync();
        var pg = await PostgresSotopiaStore.OpenAsync(database);
        await pg.MigrateAsync();
        cluster.Store = new ObservedStore(pg) { Diagnostics = () => cluster.Logs.Tail() };
        cluster.Artifacts = await BlobArtifactStore.OpenAsync(
            cluster.Azure.CreateBlobServiceClient().GetBlobContainerClient(cluster.Azure.ArtifactsContainer), cluster.Folder.Combine("artifacts"));
        All[cluster.Key] = cluster;
        var builder = new TestClusterBuilder((short)silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[KeySetting] = cluster.Key;
        builder.AddSiloBuilderConfigurator<AzureSiloConfigurator>();
        builder.AddClientBuilderConfigurator<AzureClientConfigurator>();
        await cluster.DeployAsync(builder);
        return cluster;
    }

    public static AzureCluster Get(IConfiguration configuration) => All[configuration[KeySetting]!];

    protected override void Unregister() => All.TryRemove(Key, out _);
}

/// <summary>A TestingHost silo on the azure profile (the same <see cref="SotopiaSiloBuilderExtensions.UseSotopiaAzureCluster"/>
/// the silo process uses, minus its endpoints, which TestingHost assigns); the first silo hosts the trainer.</summary>
public sealed class AzureSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var name = siloBuilder.Configuration["Orleans:Name"] ?? "silo";
        var cluster = AzureCluster.Get(siloBuilder.Configuration);
        var options = new SiloOptions { SiloId = name, MaxConcurrentEpisodes = cluster.Capacity };
        siloBuilder.AddSotopiaSilo(options, cluster.Store, cluster.Artifacts);
        siloBuilder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(cluster.Logs);
        siloBuilder.UseSotopiaAzureClustering(cluster.Azure);
        siloBuilder.UseSotopiaAzureReminders(cluster.Azure);
        siloBuilder.AddSotopiaAzureGrainStorage(StorageNames.Sotopia, cluster.Azure);
        siloBuilder.Services.AddSotopiaSimulatorBackend();
        if (cluster.Gate is { } gate)
        {
            siloBuilder.Services.Decorate(gate);
        }
        if (Interlocked.CompareExchange(ref cluster.TrainerSiloField, name, null) is null)
        {
            siloBuilder.Services.AddSotopiaTrainer(o => o.TrainerId = "trainer-" + name);
        }
    }
}

public sealed class AzureClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        clientBuilder.Services.AddSerializer(s => s.AddSotopiaSerialization());
        clientBuilder.UseSotopiaAzureClustering(AzureCluster.Get(configuration).Azure);
    }
}
