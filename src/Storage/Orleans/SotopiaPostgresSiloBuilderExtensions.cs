using Orleans.Configuration;
using Orleans.Hosting;

namespace SotopiaPi.Storage;

/// <summary>Silo side of the "cluster" profile: Orleans membership and reminders in the project's PostgreSQL
/// database, through Orleans' own ADO.NET providers (invariant <c>Npgsql</c>). The tables and the
/// <c>OrleansQuery</c> rows they read come from the project's migrations (<see cref="PostgresSotopiaStore.MigrateAsync"/>,
/// which the silo runs when it opens its store, before Orleans starts). Membership timing
/// (<see cref="ClusterMembershipOptions"/>) is left to the caller.</summary>
public static class SotopiaPostgresSiloBuilderExtensions
{
    /// <summary>Orleans cluster membership in the PostgreSQL database of <paramref name="connectionString"/>
    /// (tables <c>orleans_membership_versions</c>, <c>orleans_membership</c>; the cluster is
    /// <see cref="ClusterOptions.ClusterId"/>). Calling it again with the same connection string does nothing.</summary>
    /// <exception cref="ArgumentException">The connection string is empty, malformed or names no Host.</exception>
    /// <exception cref="InvalidOperationException">Clustering is already configured with another connection string.</exception>
    public static ISiloBuilder UseSotopiaPostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connection = OrleansPostgres.ConnectionString(connectionString);
        if (!OrleansPostgres.TryMark(builder.Services, "clustering", connection))
        {
            return builder;
        }
        return builder.UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = OrleansPostgres.Invariant;
            options.ConnectionString = connection;
        });
    }

    /// <summary>Orleans reminders in the PostgreSQL database of <paramref name="connectionString"/> (table
    /// <c>orleans_reminders</c>, rows keyed by <see cref="ClusterOptions.ServiceId"/>). Calling it again with the
    /// same connection string does nothing.</summary>
    /// <exception cref="ArgumentException">The connection string is empty, malformed or names no Host.</exception>
    /// <exception cref="InvalidOperationException">Reminders are already configured with another connection string.</exception>
    public static ISiloBuilder UseSotopiaPostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connection = OrleansPostgres.ConnectionString(connectionString);
        if (!OrleansPostgres.TryMark(builder.Services, "reminders", connection))
        {
            return builder;
        }
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions options) =>
        {
            options.Invariant = OrleansPostgres.Invariant;
            options.ConnectionString = connection;
        });
    }
}
