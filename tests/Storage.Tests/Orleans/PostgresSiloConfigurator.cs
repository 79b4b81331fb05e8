using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.TestingHost;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.OrleansTestSilo;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The silos of <see cref="PostgresTestCluster"/>: membership and reminders in the PostgreSQL database
/// named by the configuration key <see cref="DatabaseKey"/>, through the project's helpers; membership timing as
/// tuned for the "cluster" profile; reminders allowed to tick every second.</summary>
public sealed class PostgresSiloConfigurator : ISiloConfigurator
{
    public const string DatabaseKey = "SotopiaTest:Postgres";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var database = siloBuilder.Configuration[DatabaseKey]
            ?? throw new InvalidOperationException($"The test cluster's configuration has no '{DatabaseKey}'.");
        siloBuilder
            .UseSotopiaPostgresClustering(database)
            .UseSotopiaPostgresReminders(database)
            .Configure<ClusterMembershipOptions>(TunedMembership.Apply)
            .Configure<ReminderOptions>(options =>
            {
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                options.RefreshReminderListPeriod = TimeSpan.FromSeconds(1);
            })
            // Our grain interfaces come along with the storage assembly; their types travel as JSON.
            .Services.AddSerializer(serializer => serializer.AddSotopiaSerialization());
    }
}
