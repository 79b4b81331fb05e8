using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Orleans.Messaging;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;
using OrleansSiloStatus = Orleans.Runtime.SiloStatus;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>In-process clusters whose membership lives in the PostgreSQL tables of our migration: forming,
/// finding gateways, voting out a SIGKILLed silo process, cleaning up its row.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresClusterTests(PostgresServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A bound that tolerates a loaded 2-core machine (measured here: 1.3–1.9 s).</summary>
    private static readonly TimeSpan VoteOutBound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    private string _database = "";
    private PostgresTestCluster? _cluster;

    public async Task InitializeAsync() => _database = await OrleansTestDatabase.CreateMigratedAsync(server);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        await server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task TwoSilosFormAClusterThatAClientFindsThroughTheGatewayList()
    {
        _cluster = await PostgresTestCluster.StartAsync(_database, 2);
        var silos = _cluster.Cluster.Silos.ToList();
        await BothActiveAsync(silos[0], silos);

        var rows = await OrleansTestDatabase.MembershipAsync(_database, _cluster.ClusterId);
        Assert.Equal(silos.Select(s => OrleansTestDatabase.Key(s.SiloAddress)).Order(), rows.Keys.Order());
        Assert.All(rows.Values, row => Assert.Equal((int)OrleansSiloStatus.Active, row.Status));

        var client = await _cluster.StartClientAsync();
        var gateways = await client.ServiceProvider.GetRequiredService<IGatewayListProvider>().GetGatewaysAsync();
        Assert.Equal(
            silos.Select(s => SiloAddress.New(s.GatewayAddress.Endpoint, s.SiloAddress.Generation).ToGatewayUri().ToString()).Order(),
            gateways.Select(g => g.ToString()).Order());

        var reply = await client.GetGrain<IPingGrain>("ping").PingAsync("hello");
        Assert.StartsWith("hello from S127.0.0.1:", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKilledSiloIsVotedOutByTheSurvivorAndItsDeadRowIsCleanedUp()
    {
        _cluster = await PostgresTestCluster.StartAsync(_database, 1);
        var survivor = _cluster.Cluster.Silos[0];
        var membership = _cluster.Services(survivor).GetRequiredService<IClusterMembershipService>();
        using var process = DotnetProcess.Start("SotopiaPi.OrleansTestSilo.dll",
            [_database, _cluster.ClusterId, _cluster.ServiceId, FreePort(), FreePort()]);
        var started = await Within.WaitAsync(process.WhenOutputContainsAsync("SILO ACTIVE "), JoinTimeout,
            "the silo process to join the cluster", () => process.Output);
        var victim = SiloAddress.FromParsableString(started[(started.IndexOf("SILO ACTIVE ", StringComparison.Ordinal) + 12)..].Trim());
        await WithinMembership.MembershipAsync(membership, s => s.GetSiloStatus(victim) == OrleansSiloStatus.Active, JoinTimeout,
            $"the survivor {survivor.SiloAddress} to see the silo process {victim} Active");

        var clock = Stopwatch.StartNew();
        process.Kill();
        await WithinMembership.MembershipAsync(membership, s => s.GetSiloStatus(victim) == OrleansSiloStatus.Dead, VoteOutBound,
            $"the survivor {survivor.SiloAddress} to declare the SIGKILLed silo {victim} Dead (tuned membership options)");
        var votedOut = clock.Elapsed;
        output.WriteLine($"SIGKILL to Dead in the survivor's view: {votedOut.TotalSeconds:0.00} s");

        var rows = await OrleansTestDatabase.MembershipAsync(_database, _cluster.ClusterId);
        var dead = rows[OrleansTestDatabase.Key(victim)];
        Assert.Equal((int)OrleansSiloStatus.Dead, dead.Status);
        Assert.Contains(survivor.SiloAddress.ToParsableString() + ",", dead.SuspectTimes ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(victim.ToParsableString() + ",", dead.SuspectTimes ?? "", StringComparison.Ordinal);
        Assert.Equal((int)OrleansSiloStatus.Active, rows[OrleansTestDatabase.Key(survivor.SiloAddress)].Status);

        var table = _cluster.Services(survivor).GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(2, (await OrleansTestDatabase.MembershipAsync(_database, _cluster.ClusterId)).Count);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal([OrleansTestDatabase.Key(survivor.SiloAddress)], (await OrleansTestDatabase.MembershipAsync(_database, _cluster.ClusterId)).Keys);
    }

    private static string FreePort() => FreePorts.Next().ToString(CultureInfo.InvariantCulture);

    private async Task BothActiveAsync(SiloHandle observer, IReadOnlyList<SiloHandle> silos) =>
        await WithinMembership.MembershipAsync(_cluster!.Services(observer).GetRequiredService<IClusterMembershipService>(),
            s => silos.All(silo => s.GetSiloStatus(silo.SiloAddress) == OrleansSiloStatus.Active), JoinTimeout,
            $"silo {observer.SiloAddress} to see {string.Join(" and ", silos.Select(s => s.SiloAddress))} Active");
}
