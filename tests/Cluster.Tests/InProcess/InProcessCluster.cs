using System.Globalization;
using Orleans.TestingHost;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.InProcess;

/// <summary>A TestingHost cluster of SotopiaPi silos in this process over one SQLite store (one per test: the
/// tests change the topology).</summary>
internal sealed class InProcessCluster : TestingHostCluster
{
    private InProcessCluster()
    {
    }

    public IArtifactStore Artifacts { get; private set; } = null!;

    public static async Task<InProcessCluster> StartAsync(int silos, int capacityPerSilo, PolicyGate? gate = null)
    {
        var cluster = new InProcessCluster();
        var sqlite = await SqliteSotopiaStore.OpenAsync(cluster.Folder.Combine("sotopia.db"));
        await sqlite.MigrateAsync();
        cluster.Store = new ObservedStore(sqlite) { Diagnostics = () => cluster.Logs.Tail() };
        cluster.Artifacts = new FileArtifactStore(cluster.Folder.Combine("artifacts"));
        TestSilos.Add(cluster.Key, new TestSilos.Shared(cluster.Store, cluster.Artifacts, gate, cluster.Logs));
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[TestSilos.KeySetting] = cluster.Key;
        builder.Properties[TestSilos.CapacitySetting] = capacityPerSilo.ToString(CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<SotopiaSiloConfigurator>();
        builder.AddClientBuilderConfigurator<SotopiaClientConfigurator>();
        await cluster.DeployAsync(builder);
        return cluster;
    }

    protected override void Unregister() => TestSilos.Remove(Key);
}
