using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Serialization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Azure;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>How the trainer process finds the silos: on the azure profile through the Azure Table membership
/// (<see cref="TrainerProfile"/>), otherwise through the store they share. A PostgreSQL store holds Orleans'
/// membership table, whose active silos are the gateways; a SQLite file belongs to one silo on this machine, reached
/// on 127.0.0.1 at <c>Silo:GatewayPort</c>. <c>Silo:ClusterId</c> must be the silos' (default <c>sotopia</c>). While no
/// silo answers the trainer keeps trying, so it may start before the silos.</summary>
public static class TrainerCluster
{
    public static void Configure(IClientBuilder client, string store, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        var cluster = configuration.GetSection(TrainerClusterOptions.SectionName).Get<TrainerClusterOptions>() ?? new TrainerClusterOptions();
        var clusterId = cluster.ClusterId;
        client.Services.AddSerializer(s => s.AddSotopiaSerialization());
        client.AddActivityPropagation();
        if (TrainerProfile.ReadAzure(configuration) is { } azure)
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            });
            client.UseSotopiaAzureClustering(azure);
        }
        else if (TrainerStoreFactory.IsPostgres(store))
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            });
            client.UseSotopiaPostgresClustering(store);
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort, serviceId: clusterId, clusterId: clusterId);
        }
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
    }
}

/// <summary>The silo settings the trainer shares with the silos (section <c>Silo</c>, so one config map serves both):
/// the cluster to join and, on a SQLite store, the local silo's gateway port.</summary>
public sealed class TrainerClusterOptions
{
    public const string SectionName = "Silo";

    /// <summary>The silos' <c>Silo:ClusterId</c>.</summary>
    public string ClusterId { get; set; } = "sotopia";

    /// <summary>The gateway port of the silo on this machine (SQLite store only).</summary>
    public int GatewayPort { get; set; } = 30000;
}
