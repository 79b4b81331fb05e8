using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>An in-process Orleans cluster (TCP between silos and client) whose membership and reminders live in
/// a migrated PostgreSQL database (<see cref="PostgresSiloConfigurator"/>), and clients that find its gateways
/// in the same database.</summary>
internal sealed class PostgresTestCluster : IAsyncDisposable
{
    private readonly List<IHost> _clients = [];

    private PostgresTestCluster(TestCluster cluster, string database)
    {
        Cluster = cluster;
        Database = database;
    }

    public TestCluster Cluster { get; }

    public string Database { get; }

    public string ClusterId => Cluster.Options.ClusterId;

    public string ServiceId => Cluster.Options.ServiceId;

    /// <summary>Starts <paramref name="silos"/> silos; returns once each has joined (is Active in the table).</summary>
    public static async Task<PostgresTestCluster> StartAsync(string database, short silos)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.Properties[PostgresSiloConfigurator.DatabaseKey] = database;
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return new PostgresTestCluster(cluster, database);
    }

    /// <summary>The services of a running silo.</summary>
    public IServiceProvider Services(SiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress);

    /// <summary>Starts a client (as the trainer would) whose gateways come from the membership table.</summary>
    public async Task<IClusterClient> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseSotopiaPostgresClustering(Database)
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = ServiceId;
            }));
        var host = builder.Build();
        _clients.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.StopAsync();
            client.Dispose();
        }
        await Cluster.DisposeAsync();
    }
}
