using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Serialization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>How the trainer process finds the silos: through the store they share. A PostgreSQL store holds Orleans'
/// membership table, whose active silos are the gateways; a SQLite file belongs to one silo on this machine, reached
/// on 127.0.0.1 at <c>Silo:GatewayPort</c>. <c>Silo:ClusterId</c> must be the silos' (default <c>sotopia</c>). While no
/// silo answers the trainer keeps trying, so it may start before the silos.</summary>
public static class TrainerCluster
{
    public const string DefaultClusterId = "sotopia";
    public const int DefaultGatewayPort = 30000;

    public static void Configure(IClientBuilder client, string store, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        var clusterId = configuration["Silo:ClusterId"] is { Length: > 0 } id ? id : DefaultClusterId;
        client.Services.AddSerializer(s => s.AddSotopiaSerialization());
        if (TrainerStoreFactory.IsPostgres(store))
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
            var port = configuration["Silo:GatewayPort"] is { Length: > 0 } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : DefaultGatewayPort;
            client.UseLocalhostClustering(port, serviceId: clusterId, clusterId: clusterId);
        }
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
    }
}
