using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests;

/// <summary>What every TestingHost cluster of SotopiaPi silos in this process has, whatever its profile: the cluster,
/// the observed project store, the silos' captured logs, a temporary folder, and the way a test creates a campaign,
/// reaches a silo's services and tears it all down. A profile (SQLite, Azure) sets the store and starts the cluster.</summary>
internal abstract class TestingHostCluster : IAsyncDisposable
{
    /// <summary>Identifies this cluster to its silo configurators (passed in the TestingHost properties).</summary>
    protected string Key { get; } = Guid.NewGuid().ToString("N");

    protected TempDirectory Folder { get; } = new();

    public TestCluster Cluster { get; protected set; } = null!;

    public ObservedStore Store { get; protected set; } = null!;

    /// <summary>Warnings and errors of every silo, for failure messages.</summary>
    public CapturedLogs Logs { get; } = new();

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Creates a campaign on the starter dataset the way the API does.</summary>
    public Task<CampaignRecord> CreateAsync(CampaignSpec spec, string id) =>
        new CampaignLauncher(Store, Grains, CampaignModels.Simulator, TimeProvider.System).CreateAsync(spec, id);

    /// <summary>A service of one silo (its policy cache, its episode slots…).</summary>
    public T SiloService<T>(SiloHandle silo)
        where T : notnull => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>();

    /// <summary>Starts <paramref name="builder"/>'s cluster (its configurators find this one by <see cref="Key"/>).</summary>
    protected async Task DeployAsync(TestClusterBuilder builder)
    {
        builder.Options.ConfigureFileLogging = false;
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Removes this cluster from where its configurators looked it up.</summary>
    protected abstract void Unregister();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            Unregister();
            await Store.DisposeAsync();
            Folder.Dispose();
        }
    }
}
