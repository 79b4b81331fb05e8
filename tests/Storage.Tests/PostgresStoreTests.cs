using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>What is particular to PostgreSQL: several silos (store instances) on one database, migrations at
/// once, bounded sessions (lock, statement and idle-in-transaction timeouts), a server restart in the middle of use.</summary>
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

    private async Task<NpgsqlConnection> RawConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await RawConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await RawConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A store with <paramref name="count"/> episodes, each begun: their fences.</summary>
    private async Task<(PostgresSotopiaStore Store, List<EpisodeFence> Fences)> StoreWithBegunEpisodesAsync(int count, PostgresStoreOptions? options = null)
    {
        var store = await OpenAsync(options);
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

    /// <summary>Silos beginning the same episode at once each get a fence of their own, and only the last one writes.</summary>
    [Fact]
    public async Task SilosBeginningOneEpisodeAtOnceGetDistinctFences()
    {
        var silos = new List<PostgresSotopiaStore>();
        for (var i = 0; i < 4; i++)
        {
            silos.Add(await OpenAsync());
        }
        await silos[0].CreateEpisodesAsync([Episode("e-race", "c-race", Start)]);

        var fences = await Task.WhenAll(silos.SelectMany(silo => Enumerable.Range(0, 10).Select(_ =>
            Task.Run(async () => (await silo.BeginEpisodeAsync("e-race"))!.Fence!))));

        Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), fences.Select(f => f.Value).Order());
        var last = fences.MaxBy(f => f.Value)!;
        for (var i = 0; i < fences.Length; i++)
        {
            if (fences[i] != last)
            {
                await Assert.ThrowsAsync<StaleWriteException>(() => silos[i % 4].AppendTurnAsync(fences[i], Turn("e-race", 0)));
            }
        }
        await silos[0].AppendTurnAsync(last, Turn("e-race", 0));
        Assert.Equal(39, silos.Sum(s => s.StaleWritesRefused));
        Assert.Single(await silos[3].GetTurnsAsync("e-race"));
    }

    [Fact]
    public async Task AStaleActivationOnAnotherSiloIsRefused()
    {
        var (a, fences) = await StoreWithBegunEpisodesAsync(1);
        var b = await OpenAsync();
        await a.AppendTurnAsync(fences[0], Turn("e-0000", 0));

        var current = (await b.BeginEpisodeAsync("e-0000"))!;

        Assert.Equal(2, current.Fence!.Value);
        Assert.Single(current.Turns);
        await Assert.ThrowsAsync<StaleWriteException>(() => a.AppendTurnAsync(fences[0], Turn("e-0000", 1)));
        await Assert.ThrowsAsync<StaleWriteException>(() => a.CompleteEpisodeAsync(fences[0],
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "stale", Start)));
        Assert.Equal((2L, 0L), (a.StaleWritesRefused, b.StaleWritesRefused));
        await b.AppendTurnAsync(current.Fence, Turn("e-0000", 1));
        Assert.Equal(2, (await a.GetTurnsAsync("e-0000")).Length);
    }

    [Fact]
    public async Task FailedStatementInAGroupCommitFailsOnlyItsItem()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(50);

        // PostgreSQL refuses NUL characters in text: that turn's statement fails, the others of its batch commit.
        var writes = fences.Select((f, i) => store.AppendTurnAsync(f, Turn(f.EpisodeId, 0, i == 17 ? "bad \0 byte" : null))).ToList();
        var error = await Assert.ThrowsAsync<PostgresException>(() => writes[17]);
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, error.SqlState);
        await Task.WhenAll(writes.Where((_, i) => i != 17));

        Assert.Empty(await store.GetTurnsAsync(fences[17].EpisodeId));
        foreach (var fence in fences.Where((_, i) => i != 17))
        {
            Assert.Single(await store.GetTurnsAsync(fence.EpisodeId));
        }
        await store.AppendTurnAsync(fences[17], Turn(fences[17].EpisodeId, 0));
        Assert.Single(await store.GetTurnsAsync(fences[17].EpisodeId));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task EverySessionOfTheStoreIsBounded()
    {
        var store = await OpenAsync(new PostgresStoreOptions
        {
            StatementTimeout = TimeSpan.FromSeconds(20),
            LockTimeout = TimeSpan.FromMilliseconds(1500),
            IdleInTransactionSessionTimeout = TimeSpan.FromSeconds(7),
        });

        await using var session = await store.DataSource.OpenConnectionAsync();

        Assert.Equal("20s", await ShowAsync(session, "statement_timeout"));
        Assert.Equal("1500ms", await ShowAsync(session, "lock_timeout"));
        Assert.Equal("7s", await ShowAsync(session, "idle_in_transaction_session_timeout"));
        Assert.Equal(25, session.CommandTimeout);
    }

    [Fact]
    public async Task SettingsInTheConnectionStringWin()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_database) { Options = "-c lock_timeout=2500", CommandTimeout = 77 }.ConnectionString;
        var store = await PostgresSotopiaStore.OpenAsync(connectionString, time: _time);
        _stores.Add(store);

        await using var session = await store.DataSource.OpenConnectionAsync();

        Assert.Equal("2500ms", await ShowAsync(session, "lock_timeout"));
        Assert.Equal("30s", await ShowAsync(session, "statement_timeout"));
        Assert.Equal(77, session.CommandTimeout);
    }

    /// <summary>The lock an append in flight holds (its episode row FOR SHARE) is one a newer activation's begin
    /// waits for (it fails past <c>lock_timeout</c> while the append is uncommitted); once the append committed, the
    /// begin sees its turn and the older activation's next write is refused.</summary>
    [Fact]
    public async Task BeginWaitsForAnAppendInFlight()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(1);
        var impatient = await OpenAsync(new PostgresStoreOptions { LockTimeout = TimeSpan.FromMilliseconds(300) });
        await using var writer = await RawConnectionAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, "SELECT fence FROM episodes WHERE id = 'e-0000' FOR SHARE");
        await ExecuteAsync(writer, "INSERT INTO turns (episode_id, number, seat, action_type, argument) VALUES ('e-0000', 0, 0, 'speak', 'in flight')");

        var blocked = await Assert.ThrowsAsync<PostgresException>(() => impatient.BeginEpisodeAsync("e-0000"));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);
        await transaction.CommitAsync();
        var activation = (await impatient.BeginEpisodeAsync("e-0000"))!;

        Assert.Equal(2, activation.Fence!.Value);
        Assert.Equal(["in flight"], activation.Turns.Select(t => t.Action.Argument));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(fences[0], Turn("e-0000", 1)));
        await impatient.AppendTurnAsync(activation.Fence, Turn("e-0000", 1));
    }

    /// <summary>The other way round: a begin in flight (its fence update uncommitted) makes an older activation's
    /// append wait; once the begin committed, the append is refused.</summary>
    [Fact]
    public async Task AnAppendWaitsForABeginInFlightAndIsThenRefused()
    {
        var (_, fences) = await StoreWithBegunEpisodesAsync(1);
        var impatient = await OpenAsync(new PostgresStoreOptions { LockTimeout = TimeSpan.FromMilliseconds(300) });
        await using var newer = await RawConnectionAsync();
        await using var transaction = await newer.BeginTransactionAsync();
        await ExecuteAsync(newer, "UPDATE episodes SET fence = fence + 1 WHERE id = 'e-0000'");

        var blocked = await Assert.ThrowsAsync<PostgresException>(() => impatient.AppendTurnAsync(fences[0], Turn("e-0000", 0)));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);
        await transaction.CommitAsync();

        await Assert.ThrowsAsync<StaleWriteException>(() => impatient.AppendTurnAsync(fences[0], Turn("e-0000", 0)));
        Assert.Empty(await impatient.GetTurnsAsync("e-0000"));
        Assert.Equal(1, impatient.StaleWritesRefused);
    }

    /// <summary>A row held by another transaction past <c>lock_timeout</c>: the write waiting for it fails alone with a
    /// transient error, and the group commit's other writes of the same batch are stored.</summary>
    [Fact]
    public async Task AWriteBlockedPastTheLockTimeoutFailsAloneAndTransiently()
    {
        var (store, fences) = await StoreWithBegunEpisodesAsync(5, new PostgresStoreOptions { LockTimeout = TimeSpan.FromMilliseconds(200) });
        await using var holder = await RawConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT 1 FROM episodes WHERE id = 'e-0002' FOR UPDATE");

        var writes = fences.Select(f => store.AppendTurnAsync(f, Turn(f.EpisodeId, 0))).ToList();
        var begin = await Assert.ThrowsAsync<PostgresException>(() => store.BeginEpisodeAsync("e-0002"));
        var append = await Assert.ThrowsAsync<PostgresException>(() => writes[2]);
        await Task.WhenAll(writes.Where((_, i) => i != 2));

        Assert.Equal((PostgresErrorCodes.LockNotAvailable, PostgresErrorCodes.LockNotAvailable), (begin.SqlState, append.SqlState));
        Assert.True(TransientStoreErrors.IsTransient(append), "lock_not_available is transient");
        await transaction.RollbackAsync();
        Assert.Empty(await store.GetTurnsAsync("e-0002"));
        foreach (var fence in fences.Where((_, i) => i != 2))
        {
            Assert.Single(await store.GetTurnsAsync(fence.EpisodeId));
        }
        await store.AppendTurnAsync(fences[2], Turn("e-0002", 0));
    }

    /// <summary>A silo frozen in the middle of one of its store's transactions (a session of that store's pool that
    /// locked an episode and then says nothing): the server ends that session after
    /// <c>idle_in_transaction_session_timeout</c>, and another silo's writer waiting for the lock goes on.</summary>
    [Fact]
    public async Task AFrozenTransactionIsEndedAndTheWaitingWriterGoesOn()
    {
        var healthySilo = await OpenAsync(new PostgresStoreOptions { LockTimeout = TimeSpan.FromSeconds(30) });
        var frozenSilo = await OpenAsync(new PostgresStoreOptions { IdleInTransactionSessionTimeout = TimeSpan.FromMilliseconds(300), MigrateOnOpen = false });
        await healthySilo.CreateEpisodesAsync([Episode("e-frozen", "c-pg", Start)]);
        await using (var frozen = await frozenSilo.DataSource.OpenConnectionAsync())
        {
            await using var transaction = await frozen.BeginTransactionAsync();
            await ExecuteAsync(frozen, "SELECT 1 FROM episodes WHERE id = 'e-frozen' FOR UPDATE");

            var activation = await healthySilo.BeginEpisodeAsync("e-frozen");

            Assert.Equal(new EpisodeFence("e-frozen", 1), activation?.Fence);
            var ended = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(frozen, "SELECT 1"));
            Assert.Equal(PostgresErrors.IdleInTransactionSessionTimeout, ended.SqlState);
        }
        await healthySilo.AppendTurnAsync(new EpisodeFence("e-frozen", 1), Turn("e-frozen", 0));
        // The frozen silo's store works again (on a fresh session) once the process goes on.
        Assert.Single(await frozenSilo.GetTurnsAsync("e-frozen"));
    }

    private static async Task<string?> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string?)await command.ExecuteScalarAsync();
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
            new PostgresStoreOptions { MaxBatchSize = 0, ReadPageSize = 0, LockTimeout = TimeSpan.FromMinutes(5), IdleInTransactionSessionTimeout = TimeSpan.Zero },
            _time));
        Assert.Contains("MaxBatchSize", error.Message);
        Assert.Contains("ReadPageSize", error.Message);
        Assert.Contains("LockTimeout", error.Message);
        Assert.Contains("IdleInTransactionSessionTimeout", error.Message);

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
        Assert.NotNull(await store.WriteGrainStateAsync("campaign", "c-pg", "{}", null));
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
