using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Storage;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>What is particular to PostgreSQL: several silos (store instances) on one database, migrations at
/// once, NOTIFY across instances, a server restart in the middle of use.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresStoreTests(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<PostgresSotopiaStore> _stores = [];
    private string _database = "";

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        await server.DropDatabaseAsync(_database);
    }

    private async Task<PostgresSotopiaStore> OpenAsync(PostgresStoreOptions? options = null)
    {
        var store = await PostgresSotopiaStore.OpenAsync(_database, options, _time);
        _stores.Add(store);
        return store;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<(PostgresSotopiaStore Store, List<ClaimedEpisode> Claimed)> StoreWithClaimedEpisodesAsync(int count)
    {
        var store = await OpenAsync();
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-pg", "silo-a", TimeSpan.FromDays(1));
        await store.CreateEpisodesAsync(lease!, [.. Enumerable.Range(0, count).Select(i => Episode($"e-{i:D4}", "c-pg", Start.AddMilliseconds(i)))]);
        var claimed = await store.ClaimEpisodesAsync("silo-a", count, TimeSpan.FromDays(1));
        Assert.Equal(count, claimed.Count);
        return (store, [.. claimed]);
    }

    [Fact]
    public async Task SilosStartingAtOnceMigrateOnceAndAllSucceed()
    {
        var opening = Enumerable.Range(0, 4).Select(async _ =>
        {
            var store = await PostgresSotopiaStore.OpenAsync(_database, time: _time);
            await store.MigrateAsync();
            return store;
        }).ToList();

        _stores.AddRange(await Task.WhenAll(opening));

        Assert.Equal(PostgresMigrations.All.Count, await ScalarAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(PostgresMigrations.All.Max(m => m.Version), await ScalarAsync("SELECT max(version) FROM schema_migrations"));
        await _stores[3].CreateCampaignAsync(Campaign("c-1", Start));
        Assert.Equal("c-1", (await _stores[0].GetCampaignAsync("c-1"))?.Id);
    }

    [Fact]
    public async Task WithoutMigrateOnOpenTheSchemaComesFromMigrateAsync()
    {
        var store = await OpenAsync(new PostgresStoreOptions { MigrateOnOpen = false });

        var error = await Assert.ThrowsAsync<PostgresException>(() => store.GetCampaignAsync("c-1"));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);

        await store.MigrateAsync();
        Assert.Null(await store.GetCampaignAsync("c-1"));
    }

    [Fact]
    public async Task SiloClaimingAtOnceNeverShareAnEpisode()
    {
        const int Episodes = 300;
        var silos = new List<PostgresSotopiaStore>();
        for (var i = 0; i < 4; i++)
        {
            silos.Add(await OpenAsync());
        }
        var lease = await silos[0].TryAcquireAsync(LeaseKinds.Campaign, "c-race", "silo-0", TimeSpan.FromDays(1));
        await silos[0].CreateEpisodesAsync(lease!, [.. Enumerable.Range(0, Episodes).Select(i => Episode($"e-{i:D4}", "c-race", Start.AddMilliseconds(i)))]);

        async Task<List<ClaimedEpisode>> ClaimAllAsync(PostgresSotopiaStore store, string owner)
        {
            var mine = new List<ClaimedEpisode>();
            while (true)
            {
                var batch = await store.ClaimEpisodesAsync(owner, 7, LeaseTime);
                if (batch.Count == 0 && await store.CountEpisodesAsync("c-race") is { Pending: 0 })
                {
                    return mine;
                }
                mine.AddRange(batch);
            }
        }

        var results = await Task.WhenAll(silos.Select((store, i) => Task.Run(() => ClaimAllAsync(store, $"silo-{i}"))));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Episodes, all.Count);
        Assert.Equal(Episodes, all.Select(c => c.Episode.Id).Distinct().Count());
        Assert.All(all, c => Assert.Equal(1, c.Lease.Epoch));
        Assert.All(results.SelectMany((r, i) => r.Select(c => (c, i))), x => Assert.Equal($"silo-{x.i}", x.c.Lease.Owner));
        Assert.Equal(new EpisodeCounts(0, Episodes, 0, 0, 0, 0), await silos[1].CountEpisodesAsync("c-race"));
    }

    [Fact]
    public async Task OrphanedRunningEpisodesAreClaimedOldestFirstAmongPendingOnes()
    {
        var store = await OpenAsync();
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-o", "owner", TimeSpan.FromDays(1));
        // e-0 is created running without any lease (as after an import), e-1 and e-3 pending, e-2 will be
        // released by its silo (a graceful shutdown), e-4 completed.
        await store.CreateEpisodesAsync(lease!,
        [
            Episode("e-0", "c-o", Start) with { Status = EpisodeStatus.Running },
            .. Enumerable.Range(1, 4).Select(i => Episode($"e-{i}", "c-o", Start.AddSeconds(i))),
        ]);
        var first = await store.ClaimEpisodesAsync("silo-a", 5, LeaseTime);
        Assert.Equal(["e-0", "e-1", "e-2", "e-3", "e-4"], first.Select(c => c.Episode.Id));
        Assert.All(first, c => Assert.Equal(1, c.Lease.Epoch));
        await store.ReleaseAsync(first[2].Lease);
        await store.CompleteEpisodeAsync(first[4].Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        var released = Assert.Single(await store.ClaimEpisodesAsync("silo-b", 5, LeaseTime));
        Assert.Equal(("e-2", 2L), (released.Episode.Id, released.Lease.Epoch));
        _time.Advance(LeaseTime);
        var orphans = await store.ClaimEpisodesAsync("silo-c", 2, LeaseTime);

        Assert.Equal(["e-0", "e-1"], orphans.Select(c => c.Episode.Id));
        Assert.All(orphans, c => Assert.Equal(2, c.Lease.Epoch));
        Assert.Equal(["e-2", "e-3"], (await store.ClaimEpisodesAsync("silo-c", 5, LeaseTime)).Select(c => c.Episode.Id));
        Assert.Empty(await store.ClaimEpisodesAsync("silo-c", 5, LeaseTime));
    }

    private async Task<NpgsqlConnection> RawConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task LockLeaseAsync(NpgsqlConnection connection, string key, string mode)
    {
        await using var command = new NpgsqlCommand($"SELECT 1 FROM leases WHERE kind = 'episode' AND key = '{key}' {mode}", connection);
        await command.ExecuteScalarAsync();
    }

    private static async Task<T> WithinAMinuteAsync<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(1))) != task)
        {
            Assert.Fail($"{what} did not finish within a minute.");
        }
        return await task;
    }

    /// <summary>Appends in flight hold their lease rows FOR KEY SHARE: the owner's heartbeat goes through.</summary>
    [Fact]
    public async Task HeartbeatDoesNotWaitForAppendsInFlight()
    {
        var store = await OpenAsync();
        await store.TryAcquireAsync(LeaseKinds.Episode, "x", "silo-a", LeaseTime);
        await store.TryAcquireAsync(LeaseKinds.Episode, "y", "silo-a", LeaseTime);
        await using var writer = await RawConnectionAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await LockLeaseAsync(writer, "x", "FOR KEY SHARE");
        await LockLeaseAsync(writer, "y", "FOR KEY SHARE");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(2, await WithinAMinuteAsync(store.RenewAllAsync("silo-a", TimeSpan.FromMinutes(1)), "the heartbeat"));

        await transaction.CommitAsync();
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(1), (await store.GetLeaseAsync(LeaseKinds.Episode, "x"))?.ExpiresAt);
    }

    /// <summary>A completion in flight holds its lease row FOR NO KEY UPDATE and a batch may then need another lease
    /// row; the heartbeat must never hold one of those while waiting for the other (a deadlock).</summary>
    [Fact]
    public async Task HeartbeatNeverDeadlocksWithCompletionsInFlight()
    {
        var store = await OpenAsync();
        // y first in every order (inserted first, expiring first): a one-statement renewal would lock y, then wait for x.
        await store.TryAcquireAsync(LeaseKinds.Episode, "y", "silo-a", LeaseTime - TimeSpan.FromSeconds(5));
        await store.TryAcquireAsync(LeaseKinds.Episode, "x", "silo-a", LeaseTime);
        await using var writer = await RawConnectionAsync();
        await using (var quick = new NpgsqlCommand("SET deadlock_timeout = '10ms'", writer))
        {
            // In a deadlock this session would be the one to notice it, and fail.
            await quick.ExecuteNonQueryAsync();
        }
        await using var transaction = await writer.BeginTransactionAsync();
        await LockLeaseAsync(writer, "x", "FOR NO KEY UPDATE");
        _time.Advance(TimeSpan.FromSeconds(10));

        var renewing = store.RenewAllAsync("silo-a", TimeSpan.FromMinutes(1));
        await LockLeaseAsync(writer, "y", "FOR NO KEY UPDATE");
        await transaction.CommitAsync();

        Assert.Equal(2, await WithinAMinuteAsync(renewing, "the heartbeat"));
        var until = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
        Assert.Equal(until, (await store.GetLeaseAsync(LeaseKinds.Episode, "x"))?.ExpiresAt);
        Assert.Equal(until, (await store.GetLeaseAsync(LeaseKinds.Episode, "y"))?.ExpiresAt);
    }

    [Fact]
    public async Task PolicyPublishedOnOneSiloReachesAnother()
    {
        var publisher = await OpenAsync();
        var listener = await OpenAsync();
        using var stop = new CancellationTokenSource();
        await using var stream = listener.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.Equal(StoreNotification.Resync, await NextAsync(stream, "the resync that says the listener listens"));

        await publisher.RegisterVersionAsync(Version("sotopia-pi", 0, null, Start));
        await publisher.ActivateAsync("sotopia-pi", 0);

        Assert.Equal(StoreNotification.PolicyVersionPublished("sotopia-pi", 0), await NextAsync(stream, "the published version"));
        Assert.Equal(StoreNotification.PolicyVersionActivated("sotopia-pi", 0), await NextAsync(stream, "the activation"));
        Assert.Equal(1, listener.ListenerConnections);
    }

    [Fact]
    public async Task FailedStatementInAGroupCommitFailsOnlyItsItem()
    {
        var (store, claimed) = await StoreWithClaimedEpisodesAsync(50);

        // PostgreSQL refuses NUL characters in text: that turn's statement fails, the others of its batch commit.
        var writes = claimed.Select((c, i) => store.AppendTurnAsync(c.Lease, Turn(c.Episode.Id, 0, i == 17 ? "bad \0 byte" : null))).ToList();
        var error = await Assert.ThrowsAsync<PostgresException>(() => writes[17]);
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, error.SqlState);
        await Task.WhenAll(writes.Where((_, i) => i != 17));

        Assert.Empty(await store.GetTurnsAsync(claimed[17].Episode.Id));
        foreach (var episode in claimed.Where((_, i) => i != 17))
        {
            Assert.Single(await store.GetTurnsAsync(episode.Episode.Id));
        }
        await store.AppendTurnAsync(claimed[17].Lease, Turn(claimed[17].Episode.Id, 0));
        Assert.Single(await store.GetTurnsAsync(claimed[17].Episode.Id));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task BadStoredJsonIsAnErrorNamingTheDatabase()
    {
        var store = await OpenAsync();
        await store.CreateCampaignAsync(Campaign("c-1", Start));
        await ExecuteAsync("""UPDATE campaigns SET json = '{"id": 12}' WHERE id = 'c-1'""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetCampaignAsync("c-1"));

        Assert.Contains(new NpgsqlConnectionStringBuilder(_database).Database!, error.Message);
        Assert.Contains("campaign 'c-1'", error.Message);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.ListCampaignsAsync());
    }

    [Fact]
    public async Task ClosedStoreRefusesWork()
    {
        var store = await OpenAsync();
        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CreateCampaignAsync(Campaign("c-1", Start)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetCampaignAsync("c-1"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendTurnAsync(
            new Lease(LeaseKinds.Episode, "e-1", "silo-a", 1, Start), Turn("e-1", 0)));
    }

    [Fact]
    public async Task InvalidOptionsAndConnectionStringsAreNamed()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresSotopiaStore.OpenAsync(_database,
            new PostgresStoreOptions { MaxBatchSize = 0, NotificationChannel = "Bad Channel", ListenerMinReconnectDelay = TimeSpan.Zero }, _time));
        Assert.Contains("MaxBatchSize", error.Message);
        Assert.Contains("NotificationChannel", error.Message);
        Assert.Contains("ListenerMinReconnectDelay", error.Message);

        var bad = await Assert.ThrowsAsync<ArgumentException>(() => PostgresSotopiaStore.OpenAsync("Hots=nowhere", time: _time));
        Assert.Contains("connection string", bad.Message);
    }

    [Fact]
    public async Task UnreachableServerFailsToOpenWithAnNpgsqlException()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PostgresSotopiaStore.OpenAsync(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=nowhere;Timeout=5", time: _time));
    }

    /// <summary>Server gone: every kind of operation fails with an <see cref="NpgsqlException"/> (the group-commit
    /// writer fails its batch and keeps going); server back: the same store works again, and its notification
    /// listener reconnects by itself and says so with a Resync.</summary>
    [Fact]
    public async Task StoreWorksAgainAfterTheServerWasStoppedAndStarted()
    {
        var (store, claimed) = await StoreWithClaimedEpisodesAsync(3);
        var other = await OpenAsync();
        using var stop = new CancellationTokenSource();
        await using var stream = store.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.Equal(StoreNotification.Resync, await NextAsync(stream, "the first resync"));
        await store.AppendTurnAsync(claimed[0].Lease, Turn(claimed[0].Episode.Id, 0));

        await server.StopAsync();
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.AppendTurnAsync(claimed[0].Lease, Turn(claimed[0].Episode.Id, 1)));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => Task.WhenAll(
                store.AppendTurnAsync(claimed[1].Lease, Turn(claimed[1].Episode.Id, 0)),
                store.AppendTurnAsync(claimed[2].Lease, Turn(claimed[2].Episode.Id, 0))));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.GetTurnsAsync(claimed[0].Episode.Id));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.RenewAllAsync("silo-a", LeaseTime));
        }
        finally
        {
            await server.StartAsync();
        }

        await store.AppendTurnAsync(claimed[0].Lease, Turn(claimed[0].Episode.Id, 1));
        await store.AppendTurnAsync(claimed[1].Lease, Turn(claimed[1].Episode.Id, 0));
        Assert.Equal([0, 1], (await store.GetTurnsAsync(claimed[0].Episode.Id)).Select(t => t.Number));
        Assert.Single(await store.GetTurnsAsync(claimed[1].Episode.Id));
        Assert.Equal(4, await store.RenewAllAsync("silo-a", TimeSpan.FromDays(1))); // the campaign's lease and 3 episodes'
        Assert.Equal(StoreNotification.Resync, await NextAsync(stream, "the resync after the listener reconnected"));
        await other.RegisterVersionAsync(Version("pol", 0, null, Start));
        Assert.Equal(StoreNotification.PolicyVersionPublished("pol", 0), await NextAsync(stream, "a version published after the restart"));
        Assert.Equal(2, store.ListenerConnections);
    }

    /// <summary>A restart between two operations (every pooled connection silently dead): the next operations
    /// succeed at once — a connection lost before anything was committed is retried on a fresh one.</summary>
    [Fact]
    public async Task RestartBetweenOperationsIsInvisible()
    {
        var (store, claimed) = await StoreWithClaimedEpisodesAsync(2);
        await store.AppendTurnAsync(claimed[0].Lease, Turn(claimed[0].Episode.Id, 0));
        Assert.Single(await store.GetTurnsAsync(claimed[0].Episode.Id));

        await server.RestartAsync();

        await store.AppendTurnAsync(claimed[0].Lease, Turn(claimed[0].Episode.Id, 1));
        await store.CompleteEpisodeAsync(claimed[1].Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Start));
        Assert.Equal(2, (await store.GetTurnsAsync(claimed[0].Episode.Id)).Length);
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(claimed[1].Episode.Id))?.Status);
    }

    private static async Task<StoreNotification> NextAsync(IAsyncEnumerator<StoreNotification> notifications, string expecting)
    {
        var next = notifications.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromMinutes(1))) != next)
        {
            Assert.Fail($"No store notification arrived within a minute; expected {expecting}.");
        }
        Assert.True(await next, $"The notification stream ended; expected {expecting}.");
        return notifications.Current;
    }
}
