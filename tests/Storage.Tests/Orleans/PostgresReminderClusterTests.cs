using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SotopiaPi.TestInfrastructure;
using OrleansSiloStatus = Orleans.Runtime.SiloStatus;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>Reminders of a two-silo cluster in the PostgreSQL reminder table of our migration.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresReminderClusterTests(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reminders tick every second and each silo re-reads its ranges every second (see
    /// <see cref="PostgresSiloConfigurator"/>); this leaves room for a loaded machine.</summary>
    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(20);

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
    public async Task AReminderIsStoredFiresAndIsRemovedWhenUnregistered()
    {
        var (client, observer, reference) = await StartAsync();
        var grain = client.GetGrain<IReminderProbeGrain>("solo");
        await grain.WatchAsync(reference);

        await grain.RegisterAsync("tick", TimeSpan.FromSeconds(1));

        var rows = await RemindersAsync();
        var row = Assert.Single(rows);
        var id = grain.GetGrainId();
        Assert.Equal((id.ToString(), "tick", 1000L, (int)id.GetUniformHashCode(), 0), row);
        await Within.WaitAsync(observer.FiredAsync("solo", "tick"), FireTimeout, "reminder 'tick' of grain 'solo' to fire");

        await grain.UnregisterAsync("tick");

        Assert.Empty(await RemindersAsync());
    }

    [Fact]
    public async Task TwoSilosSplitTheRingAndTogetherFireEveryStoredReminder()
    {
        var (client, observer, reference) = await StartAsync();
        var keys = Enumerable.Range(0, 16).Select(i => $"ring-{i}").ToList();
        var grains = keys.ToDictionary(key => key, key => client.GetGrain<IReminderProbeGrain>(key));
        foreach (var grain in grains.Values)
        {
            await grain.WatchAsync(reference);
        }

        // Stored behind the reminder services' backs: only their periodic range reads can find these rows.
        var silos = _cluster!.Cluster.Silos.ToList();
        var table = _cluster.Services(silos[0]).GetRequiredService<IReminderTable>();
        foreach (var grain in grains.Values)
        {
            await table.UpsertRow(new ReminderEntry
            {
                GrainId = grain.GetGrainId(),
                ReminderName = "ring",
                StartAt = DateTime.UtcNow,
                Period = TimeSpan.FromSeconds(1),
            });
        }

        await Within.WaitAsync(Task.WhenAll(keys.Select(key => observer.FiredAsync(key, "ring"))), FireTimeout,
            $"the reminders 'ring' of grains {string.Join(", ", keys)} to fire (each silo loads its part of the ring from the table)");

        var owned = new List<HashSet<GrainId>>();
        foreach (var silo in silos)
        {
            var range = RingRange(silo);
            var expected = grains.Values.Select(g => g.GetGrainId()).Where(id => range.InRange(id.GetUniformHashCode())).ToHashSet();
            var read = new HashSet<GrainId>();
            foreach (var subRange in RangeFactory.GetSubRanges(range))
            {
                var rows = await _cluster.Services(silo).GetRequiredService<IReminderTable>().ReadRows(subRange.Begin, subRange.End);
                read.UnionWith(rows.Reminders.Select(r => r.GrainId));
            }
            Assert.True(expected.SetEquals(read),
                $"silo {silo.SiloAddress} with range {range}: expected [{string.Join(", ", expected)}], read [{string.Join(", ", read)}]");
            owned.Add(read);
        }
        Assert.All(owned, part => Assert.NotEmpty(part));
        Assert.Empty(owned[0].Intersect(owned[1]));
        Assert.Equal(grains.Count, owned[0].Count + owned[1].Count);
    }

    private async Task<(IClusterClient Client, ReminderProbeObserver Observer, IReminderProbeObserver Reference)> StartAsync()
    {
        _cluster = await PostgresTestCluster.StartAsync(_database, 2);
        var silos = _cluster.Cluster.Silos.ToList();
        foreach (var silo in silos)
        {
            await WithinMembership.MembershipAsync(_cluster.Services(silo).GetRequiredService<IClusterMembershipService>(),
                s => silos.All(other => s.GetSiloStatus(other.SiloAddress) == OrleansSiloStatus.Active), JoinTimeout,
                $"silo {silo.SiloAddress} to see both silos Active");
        }
        var client = await _cluster.StartClientAsync();
        var observer = new ReminderProbeObserver();
        return (client, observer, client.CreateObjectReference<IReminderProbeObserver>(observer));
    }

    private async Task<List<(string GrainId, string Name, long PeriodMs, int GrainHash, int Version)>> RemindersAsync() =>
        (await OrleansTestDatabase.QueryAsync(_database,
            "SELECT grain_id, reminder_name, period_ms, grain_hash, version FROM orleans_reminders WHERE service_id = @service",
            ("service", _cluster!.ServiceId)))
        .Select(row => ((string)row[0]!, (string)row[1]!, (long)row[2]!, (int)row[3]!, (int)row[4]!))
        .ToList();

    /// <summary>The part of the ring a silo's reminder service owns (its consistent ring provider is internal to
    /// Orleans.Runtime; the range it returns is public).</summary>
    private IRingRange RingRange(SiloHandle silo)
    {
        var type = Type.GetType("Orleans.Runtime.ConsistentRing.IConsistentRingProvider, Orleans.Runtime", throwOnError: true)!;
        var ring = _cluster!.Services(silo).GetRequiredService(type);
        return (IRingRange)type.GetMethod("GetMyRange")!.Invoke(ring, null)!;
    }
}
