using Orleans.Configuration;
using Orleans.Hosting;

namespace SotopiaPi.Storage;

/// <summary>Client side of the "cluster" profile (the trainer): the gateways are the Active silos of the
/// membership table in the project's PostgreSQL database, read through Orleans' ADO.NET gateway list provider.
/// How often the list is re-read is <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.</summary>
public static class SotopiaPostgresClientBuilderExtensions
{
    /// <summary>Finds the gateways of cluster <see cref="ClusterOptions.ClusterId"/> in the PostgreSQL database
    /// of <paramref name="connectionString"/> (which a silo has migrated). Calling it again with the same connection
    /// string does nothing.</summary>
    /// <exception cref="ArgumentException">The connection string is empty, malformed or names no Host.</exception>
    /// <exception cref="InvalidOperationException">Clustering is already configured with another connection string.</exception>
    public static IClientBuilder UseSotopiaPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connection = OrleansPostgres.ConnectionString(connectionString);
        if (!OrleansPostgres.TryMark(builder.Services, "clustering", connection))
        {
            return builder;
        }
        return builder.UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = OrleansPostgres.Invariant;
            options.ConnectionString = connection;
        });
    }
}
