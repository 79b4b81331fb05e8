using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.InProcess;

/// <summary>A TestingHost cluster of SotopiaPi silos in this process over one SQLite store (one per test: the
/// tests change the topology).</summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _key = Guid.NewGuid().ToString("N");
    private readonly TempDirectory _folder = new();

    private InProcessCluster()
    {
    }

    public TestCluster Cluster { get; private set; } = null!;

    public ObservedStore Store { get; private set; } = null!;

    public IArtifactStore Artifacts { get; private set; } = null!;

    /// <summary>Warnings and errors of every silo, for failure messages.</summary>
    public CapturedLogs Logs { get; } = new();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static async Task<InProcessCluster> StartAsync(int silos, int capacityPerSilo, PolicyGate? gate = null)
    {
        var cluster = new InProcessCluster();
        var sqlite = await SqliteSotopiaStore.OpenAsync(Path.Combine(cluster._folder.Path, "sotopia.db"));
        await sqlite.MigrateAsync();
        cluster.Store = new ObservedStore(sqlite) { Diagnostics = () => cluster.Logs.Tail() };
        cluster.Artifacts = new FileArtifactStore(Path.Combine(cluster._folder.Path, "artifacts"));
        TestSilos.Add(cluster._key, new TestSilos.Shared(cluster.Store, cluster.Artifacts, gate, cluster.Logs));
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[TestSilos.KeySetting] = cluster._key;
        builder.Properties[TestSilos.CapacitySetting] = capacityPerSilo.ToString(CultureInfo.InvariantCulture);
        builder.Options.ConfigureFileLogging = false;
        builder.AddSiloBuilderConfigurator<SotopiaSiloConfigurator>();
        builder.AddClientBuilderConfigurator<SotopiaClientConfigurator>();
        cluster.Cluster = builder.Build();
        await cluster.Cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Creates a campaign on the starter dataset the way the API does.</summary>
    public Task<CampaignRecord> CreateAsync(CampaignSpec spec, string id) =>
        new CampaignLauncher(Store, Grains, CampaignModels.Simulator, TimeProvider.System).CreateAsync(spec, id);

    /// <summary>A service of one silo (its policy cache, its episode slots…).</summary>
    public T SiloService<T>(SiloHandle silo)
        where T : notnull => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            TestSilos.Remove(_key);
            await Store.DisposeAsync();
            _folder.Dispose();
        }
    }
}
