using System.Net;
using SotopiaPi.TestInfrastructure;
using OrleansSiloStatus = Orleans.Runtime.SiloStatus;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The membership queries of <see cref="PostgresOrleansSchema"/> as Orleans' own ADO.NET membership table
/// and gateway list provider (10.4.2) use them, on a migrated database, without a running cluster.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresMembershipTableTests(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly DateTime Now = Truncate(DateTime.UtcNow);

    private readonly List<OrleansProviderHost> _hosts = [];
    private string _database = "";

    public async Task InitializeAsync() => _database = await OrleansTestDatabase.CreateMigratedAsync(server);

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
        await server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task TheFirstSiloCreatesTheVersionRowAndLaterOnesKeepIt()
    {
        var first = await TableAsync("c1");
        await first.InsertRowAsync(Entry(1, OrleansSiloStatus.Joining), (await first.ReadAllAsync()).Version.Next());

        var second = await TableAsync("c1");
        var data = await second.ReadAllAsync();

        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
        Assert.Equal(1L, (await OrleansTestDatabase.QueryAsync(_database, "SELECT count(*) FROM orleans_membership_versions"))[0][0]);
    }

    [Fact]
    public async Task AnEmptyClusterReadsAsVersionZeroWithNoMembers()
    {
        var table = await TableAsync("c1");

        var all = await table.ReadAllAsync();
        var row = await table.ReadRowAsync(Silo(1));

        Assert.Equal((0, "0"), (all.Version.Version, all.Version.VersionEtag));
        Assert.Empty(all.Members);
        Assert.Equal(0, row.Version.Version);
        Assert.Empty(row.Members);
    }

    [Fact]
    public async Task InsertSucceedsOnceAtTheVersionReadAndBumpsIt()
    {
        var table = await TableAsync("c1");
        var version = (await table.ReadAllAsync()).Version;
        var entry = Entry(1, OrleansSiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(entry, version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(2, OrleansSiloStatus.Joining), version.Next()));
        var current = (await table.ReadAllAsync()).Version;
        Assert.False(await table.InsertRowAsync(Entry(1, OrleansSiloStatus.Active), current.Next()));

        var data = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal((1, "1"), (data.Version.Version, data.Version.VersionEtag));
        var (read, etag) = Assert.Single(data.Members);
        Assert.Equal("1", etag);
        AssertSameEntry(entry, read);
        Assert.Single((await table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task UpdateNeedsTheCurrentVersionAndOnlyOneOfTwoConcurrentWritersWins()
    {
        var first = await TableAsync("c1");
        var second = await TableAsync("c1");
        var silo = Silo(1);
        Assert.True(await first.InsertRowAsync(Entry(1, OrleansSiloStatus.Joining), (await first.ReadAllAsync()).Version.Next()));
        var data = await first.ReadRowAsync(silo);
        var (entry, etag) = data.Members[0];
        entry.Status = OrleansSiloStatus.Active;

        var results = await Task.WhenAll(
            first.UpdateRowAsync(entry, etag, data.Version.Next()),
            second.UpdateRowAsync(entry, etag, data.Version.Next()));

        Assert.Equal(1, results.Count(won => won));
        var after = await first.ReadRowAsync(silo);
        Assert.Equal(2, after.Version.Version);
        Assert.Equal(OrleansSiloStatus.Active, after.Members[0].Item1.Status);
        Assert.False(await second.UpdateRowAsync(entry, etag, data.Version.Next()));
        Assert.Equal(2, (await first.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task SuspectTimesAndStatusRoundTrip()
    {
        var table = await TableAsync("c1");
        await InsertAsync(table, Entry(1, OrleansSiloStatus.Active));
        var bystander = Entry(2, OrleansSiloStatus.Active);
        await InsertAsync(table, bystander);
        var data = await table.ReadRowAsync(Silo(1));
        var (entry, etag) = data.Members[0];
        entry.Status = OrleansSiloStatus.Dead;
        entry.SuspectTimes = [Tuple.Create(Silo(2), Now.AddSeconds(-3)), Tuple.Create(Silo(3), Now.AddSeconds(-1))];

        Assert.True(await table.UpdateRowAsync(entry, etag, data.Version.Next()));

        var read = (await table.ReadRowAsync(Silo(1))).Members[0].Item1;
        Assert.Equal(OrleansSiloStatus.Dead, read.Status);
        Assert.Equal(entry.SuspectTimes, read.SuspectTimes);
        AssertSameEntry(bystander, (await table.ReadRowAsync(Silo(2))).Members[0].Item1);
    }

    [Fact]
    public async Task IAmAliveChangesOnlyTheTimestamp()
    {
        var table = await TableAsync("c1");
        var entry = Entry(1, OrleansSiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        entry.IAmAliveTime = Now.AddSeconds(42);

        await table.UpdateIAmAliveAsync(entry);

        var data = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(1, data.Version.Version);
        AssertSameEntry(entry, data.Members[0].Item1);
    }

    [Fact]
    public async Task TheGatewaysAreTheActiveSilosWithAProxyPort()
    {
        var table = await TableAsync("c1");
        var other = await TableAsync("c2");
        await InsertAsync(table, Entry(1, OrleansSiloStatus.Active));
        await InsertAsync(table, Entry(2, OrleansSiloStatus.Active, proxyPort: 0));
        await InsertAsync(table, Entry(3, OrleansSiloStatus.Joining));
        await InsertAsync(table, Entry(4, OrleansSiloStatus.Dead));
        await InsertAsync(other, Entry(5, OrleansSiloStatus.Active));
        var client = Host(OrleansProviderHost.Client(_database, "c1"));

        var gateways = await (await client.GatewayListAsync()).GetGatewaysAsync();

        Assert.Equal([SiloAddress.New(IPAddress.Loopback, 30001, 1001).ToGatewayUri()], gateways);
    }

    [Fact]
    public async Task CleanupRemovesTheDeadEntriesOlderThanTheCutoffOnly()
    {
        var table = await TableAsync("c1");
        await InsertAsync(table, Entry(1, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-10)));
        await InsertAsync(table, Entry(2, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-1)));
        await InsertAsync(table, Entry(3, OrleansSiloStatus.Active, aliveAt: Now.AddMinutes(-10)));
        await InsertAsync(table, Entry(4, OrleansSiloStatus.ShuttingDown, aliveAt: Now.AddMinutes(-10)));
        var before = (await table.ReadAllAsync()).Version;

        await table.CleanupDefunctSiloEntriesAsync(Now.AddMinutes(-5));

        var after = await table.ReadAllAsync();
        Assert.Equal([2, 3, 4], after.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port - 11110).Order());
        Assert.Equal(before.Version, after.Version.Version);
    }

    [Fact]
    public async Task TheBulkCleanupQueryDeletesTheOldDeadEntriesOfItsClusterOnly()
    {
        var table = await TableAsync("c1");
        var other = await TableAsync("c2");
        await InsertAsync(table, Entry(1, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-10)));
        await InsertAsync(table, Entry(2, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-1)));
        await InsertAsync(table, Entry(3, OrleansSiloStatus.Active, aliveAt: Now.AddMinutes(-10)));
        await InsertAsync(other, Entry(4, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-10)));

        var deleted = await OrleansTestDatabase.ExecuteAsync(_database, await QueryTextAsync("CleanupDefunctSiloEntriesKey"),
            ("DeploymentId", "c1"), ("IAmAliveTime", Now.AddMinutes(-5)));

        Assert.Equal(1, deleted);
        Assert.Equal([2, 3], (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port - 11110).Order());
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task TheOneEntryCleanupQueryDeletesOnlyAnEntryThatStillHoldsTheValuesRead()
    {
        var table = await TableAsync("c1");
        var entry = Entry(1, OrleansSiloStatus.Dead, aliveAt: Now.AddMinutes(-10));
        await InsertAsync(table, entry);
        var sql = await QueryTextAsync("CleanupDefunctSiloEntryKey");
        (string, object?)[] Parameters(DateTime aliveAt, string? suspectTimes) =>
        [
            ("DeploymentId", "c1"), ("Address", "127.0.0.1"), ("Port", 11111), ("Generation", 1001),
            ("StartTime", entry.StartTime), ("IAmAliveTime", aliveAt), ("SuspectTimes", suspectTimes),
        ];

        Assert.Equal(0, await OrleansTestDatabase.ExecuteAsync(_database, sql, Parameters(Now, null)));
        Assert.Equal(0, await OrleansTestDatabase.ExecuteAsync(_database, sql, Parameters(entry.IAmAliveTime, "S127.0.0.1:11112:1002,x")));
        Assert.Equal(1, await OrleansTestDatabase.ExecuteAsync(_database, sql, Parameters(entry.IAmAliveTime, "")));
        Assert.Empty((await table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task DeletingTheEntriesOfAClusterLeavesOtherClustersAlone()
    {
        var table = await TableAsync("c1");
        var other = await TableAsync("c2");
        await InsertAsync(table, Entry(1, OrleansSiloStatus.Active));
        await InsertAsync(other, Entry(2, OrleansSiloStatus.Active));

        await table.DeleteMembershipTableEntriesAsync("c1");

        Assert.Equal(0L, (await OrleansTestDatabase.QueryAsync(_database,
            "SELECT count(*) FROM orleans_membership_versions WHERE deployment_id = 'c1'"))[0][0]);
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    private async Task<IMembershipTable> TableAsync(string clusterId) =>
        await Host(OrleansProviderHost.Silo(_database, clusterId)).MembershipTableAsync();

    private OrleansProviderHost Host(OrleansProviderHost host)
    {
        _hosts.Add(host);
        return host;
    }

    private async Task<string> QueryTextAsync(string key) =>
        (string)(await OrleansTestDatabase.QueryAsync(_database, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("key", key)))[0][0]!;

    private static async Task InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(entry, version.Next()), $"insert of {entry.SiloAddress} at {version}");
    }

    /// <summary>Silo n: 127.0.0.1, port 11110 + n, generation 1000 + n, gateway 30000 + n.</summary>
    private static SiloAddress Silo(int n) => SiloAddress.New(IPAddress.Loopback, 11110 + n, 1000 + n);

    private static MembershipEntry Entry(int n, OrleansSiloStatus status, int? proxyPort = null, DateTime? aliveAt = null) => new()
    {
        SiloAddress = Silo(n),
        SiloName = $"silo-{n}",
        HostName = "test-host",
        Status = status,
        ProxyPort = proxyPort ?? 30000 + n,
        StartTime = (aliveAt ?? Now).AddMinutes(-10),
        IAmAliveTime = aliveAt ?? Now,
    };

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(DateTimeKind.Utc, actual.StartTime.Kind);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Null(actual.SuspectTimes);
    }

    /// <summary>To the millisecond (PostgreSQL keeps microseconds, .NET ticks are 100 ns).</summary>
    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
