using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Storage;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>What is particular to PostgreSQL: several silos (store instances) on one database, migrations at
/// once, row locks between an activation's writes and a newer activation's begin, upgrading a database of the
/// lease runtime, a server restart in the middle of use.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresStoreTests(PostgresServerFixture server) : IAsyncLifetime
{
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

    private async Task<(PostgresSotopiaStore Store, List<EpisodeFence> Fences)> StoreWithBegunEpisodesAsync(int count)
    {
        var store = await OpenAsync();
        await store.CreateEpisodesAsync([.. Enumerable.Range(0, count).Select(i => Episode($"e-{i:D4}", "c-pg", Start.AddMilliseconds(i)))]);
        var fences = new List<EpisodeFence>();
        for (var i = 0; i < count; i++)
        {
            fences.Add((await store.BeginEpisodeAsync($"e-{i:D4}"))!.Fence!);
        }
        return (store, fences);
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
        await _stores[3].SaveCampaignAsync(Campaign("c-1", Start));
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

    private async Task<NpgsqlConnection> RawConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task LockEpisodeAsync(NpgsqlConnection connection, string id, string mode)
    {
        await using var command = new NpgsqlCommand($"SELECT fence FROM episodes WHERE id = '{id}' {mode}", connection);
        await command.ExecuteScalarAsync();
    }

    /// <summary>A store whose statements give up waiting for a row lock after half a second (55P03): a write that
    /// fails so proves it waited for the lock held by the test's own transaction.</summary>
    private async Task<PostgresSotopiaStore> ImpatientStoreAsync()
    {
        var store = await PostgresSotopiaStore.OpenAsync(
            new NpgsqlConnectionStringBuilder(_database) { Options = "-c lock_timeout=500" }.ConnectionString, time: _time);
        _stores.Add(store);
        return store;
    }

    /// <summary>A fenced append in flight holds its episode row FOR SHARE: a newer activation's begin waits for
    /// it to commit (so the begin sees that turn), and the older activation's next write is refused.</summary>
    [Fact]
    public async Task BeginWaitsForAFencedWriteInFlight()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(1);
        var impatient = await ImpatientStoreAsync();
        await using var writer = await RawConnectionAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await LockEpisodeAsync(writer, "e-0000", "FOR SHARE");
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO turns (episode_id, number, seat, action_type, argument) VALUES ('e-0000', 0, 0, 'speak', 'in flight')", writer))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var blocked = await Assert.ThrowsAsync<PostgresException>(() => impatient.BeginEpisodeAsync("e-0000"));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);
        await transaction.CommitAsync();
        var activation = await impatient.BeginEpisodeAsync("e-0000");

        Assert.Equal(2, activation!.Fence!.Value);
        Assert.Equal(["in flight"], activation.Turns.Select(t => t.Action.Argument));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(fences[0], Turn("e-0000", 1)));
        await impatient.AppendTurnAsync(activation.Fence, Turn("e-0000", 1));
    }

    /// <summary>The other way round: a begin in flight (its row update not committed) makes an older activation's
    /// append wait; once the begin committed, the append is refused.</summary>
    [Fact]
    public async Task AFencedWriteWaitsForABeginInFlightAndIsThenRefused()
    {
        var (_, fences) = await StoreWithBegunEpisodesAsync(1);
        var impatient = await ImpatientStoreAsync();
        await using var newer = await RawConnectionAsync();
        await using var transaction = await newer.BeginTransactionAsync();
        await using (var begin = new NpgsqlCommand("UPDATE episodes SET fence = fence + 1 WHERE id = 'e-0000'", newer))
        {
            await begin.ExecuteNonQueryAsync();
        }

        var blocked = await Assert.ThrowsAsync<PostgresException>(() => impatient.AppendTurnAsync(fences[0], Turn("e-0000", 0)));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);
        await transaction.CommitAsync();

        await Assert.ThrowsAsync<StaleWriteException>(() => impatient.AppendTurnAsync(fences[0], Turn("e-0000", 0)));
        Assert.Empty(await impatient.GetTurnsAsync("e-0000"));
        Assert.Equal(1, impatient.StaleWritesRefused);
    }

    /// <summary>A database of the lease runtime (migrations 1–3, with leases, silo rows and running episodes)
    /// upgrades in place: nothing recorded is lost, and every episode starts at fence 0.</summary>
    [Fact]
    public async Task ADatabaseOfTheLeaseRuntimeUpgradesWithoutLosingData()
    {
        await using (var connection = await RawConnectionAsync())
        {
            await using var create = new NpgsqlCommand(PostgresMigrations.CreateMigrationsTable, connection);
            await create.ExecuteNonQueryAsync();
            foreach (var migration in PostgresMigrations.All.Where(m => m.Version <= 3))
            {
                await using var command = new NpgsqlCommand(migration.Sql, connection);
                await command.ExecuteNonQueryAsync();
                await using var record = new NpgsqlCommand($"INSERT INTO schema_migrations VALUES ({migration.Version}, 'old', 0)", connection);
                await record.ExecuteNonQueryAsync();
            }
            await using var seed = new NpgsqlCommand($"""
                INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, json)
                VALUES ('e-old', 'c-old', 0, 'sr', 't', 's', 'running', 0, '{Json(Episode("e-old", "c-old", Start) with { Status = EpisodeStatus.Running })}');
                INSERT INTO turns (episode_id, number, seat, action_type, argument) VALUES ('e-old', 0, 0, 'speak', 'kept');
                INSERT INTO leases (kind, key, owner, epoch, expires_at) VALUES ('episode', 'e-old', 'silo-gone', 7, 0);
                INSERT INTO silos (id, address, started_at, last_heartbeat, status) VALUES ('silo-gone', 'http://x', 0, 0, 'dead');
                """, connection);
            await seed.ExecuteNonQueryAsync();
        }

        var store = await OpenAsync();

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename IN ('leases', 'silos')"));
        Assert.Equal(["e-old"], await store.ListUnfinishedEpisodeIdsAsync("c-old", 0));
        var resumed = await store.BeginEpisodeAsync("e-old");
        Assert.Equal(1, resumed!.Fence!.Value);
        Assert.Equal(["kept"], resumed.Turns.Select(t => t.Action.Argument));
    }

    [Fact]
    public async Task FailedStatementInAGroupCommitFailsOnlyItsItem()
    {
        var (store, claimed) = await StoreWithBegunEpisodesAsync(50);

        // PostgreSQL refuses NUL characters in text: that turn's statement fails, the others of its batch commit.
        var writes = claimed.Select((c, i) => store.AppendTurnAsync(c, Turn(c.EpisodeId, 0, i == 17 ? "bad \0 byte" : null))).ToList();
        var error = await Assert.ThrowsAsync<PostgresException>(() => writes[17]);
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, error.SqlState);
        await Task.WhenAll(writes.Where((_, i) => i != 17));

        Assert.Empty(await store.GetTurnsAsync(claimed[17].EpisodeId));
        foreach (var episode in claimed.Where((_, i) => i != 17))
        {
            Assert.Single(await store.GetTurnsAsync(episode.EpisodeId));
        }
        await store.AppendTurnAsync(claimed[17], Turn(claimed[17].EpisodeId, 0));
        Assert.Single(await store.GetTurnsAsync(claimed[17].EpisodeId));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task BadStoredJsonIsAnErrorNamingTheDatabase()
    {
        var store = await OpenAsync();
        await store.SaveCampaignAsync(Campaign("c-1", Start));
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

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SaveCampaignAsync(Campaign("c-1", Start)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetCampaignAsync("c-1"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendTurnAsync(new EpisodeFence("e-1", 1), Turn("e-1", 0)));
    }

    [Fact]
    public async Task InvalidOptionsAndConnectionStringsAreNamed()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresSotopiaStore.OpenAsync(_database,
            new PostgresStoreOptions { MaxBatchSize = 0, MaxPoolSize = 2, GroupCommitWriters = 0 }, _time));
        Assert.Contains("MaxBatchSize", error.Message);
        Assert.Contains("MaxPoolSize", error.Message);
        Assert.Contains("GroupCommitWriters", error.Message);

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
    /// writer fails its batch and keeps going); server back: the same store works again.</summary>
    [Fact]
    public async Task StoreWorksAgainAfterTheServerWasStoppedAndStarted()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(3);
        await store.AppendTurnAsync(fences[0], Turn(fences[0].EpisodeId, 0));

        await server.StopAsync();
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.AppendTurnAsync(fences[0], Turn(fences[0].EpisodeId, 1)));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => Task.WhenAll(
                store.AppendTurnAsync(fences[1], Turn(fences[1].EpisodeId, 0)),
                store.AppendTurnAsync(fences[2], Turn(fences[2].EpisodeId, 0))));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.GetTurnsAsync(fences[0].EpisodeId));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.BeginEpisodeAsync(fences[0].EpisodeId));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.WriteGrainStateAsync("campaign", "c-pg", "{}", null));
        }
        finally
        {
            await server.StartAsync();
        }

        await store.AppendTurnAsync(fences[0], Turn(fences[0].EpisodeId, 1));
        await store.AppendTurnAsync(fences[1], Turn(fences[1].EpisodeId, 0));
        Assert.Equal([0, 1], (await store.GetTurnsAsync(fences[0].EpisodeId)).Select(t => t.Number));
        Assert.Single(await store.GetTurnsAsync(fences[1].EpisodeId));
        Assert.Null(await store.ReadGrainStateAsync("campaign", "c-pg"));
    }

    /// <summary>A restart between two operations (every pooled connection silently dead): the next operations
    /// succeed at once — a connection lost before anything was committed is retried on a fresh one.</summary>
    [Fact]
    public async Task RestartBetweenOperationsIsInvisible()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(2);
        await store.AppendTurnAsync(fences[0], Turn(fences[0].EpisodeId, 0));
        Assert.Single(await store.GetTurnsAsync(fences[0].EpisodeId));

        await server.RestartAsync();

        await store.AppendTurnAsync(fences[0], Turn(fences[0].EpisodeId, 1));
        await store.CompleteEpisodeAsync(fences[1], new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Start));
        Assert.Equal(2, (await store.GetTurnsAsync(fences[0].EpisodeId)).Length);
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(fences[1].EpisodeId))?.Status);
    }
}
