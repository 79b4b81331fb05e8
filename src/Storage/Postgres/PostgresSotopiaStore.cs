using Npgsql;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The cluster store: one PostgreSQL database shared by every silo. One singleton
/// <see cref="NpgsqlDataSource"/> (its pool) serves short-lived connections, one per operation; turn appends
/// and episode completions go through group commit (<see cref="PostgresGroupCommit"/>); everything else is one
/// transaction of its own, which awaits nothing but the database. Every write a stale activation could make is
/// conditional (an episode's fence, a campaign's revision, a grain state's ETag, a turn's primary key).
/// Every session is bounded: <c>statement_timeout</c>, <c>lock_timeout</c> and
/// <c>idle_in_transaction_session_timeout</c> (see <see cref="PostgresStoreOptions"/>) and a client command timeout;
/// listings read in pages.
/// A write is durable when its task completes (the server's <c>synchronous_commit</c> decides what that means).
/// Errors are never turned into empty results: database failures surface as <see cref="NpgsqlException"/>
/// (a lost connection is re-tried once, with a fresh connection, when nothing can have been committed; a
/// deadlock re-runs the transaction); unreadable stored JSON throws <see cref="InvalidDataException"/> naming
/// the database and the record. See <c>src/Storage/README.md</c>.</summary>
public sealed partial class PostgresSotopiaStore : ISotopiaStore
{
    private const int MaxConflictRetries = 5;

    /// <summary>Added to the server's timeouts for the client's command timeout.</summary>
    private static readonly TimeSpan ClientTimeoutMargin = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly string _description;
    private readonly PostgresGroupCommit _writer;
    private long _staleWritesRefused;
    private int _disposed;

    private PostgresSotopiaStore(NpgsqlDataSource dataSource, PostgresStoreOptions options, TimeProvider time, string description)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _description = description;
        _writer = new PostgresGroupCommit(dataSource, description, options.MaxBatchSize, options.GroupCommitWriters, OnConnectionFailure);
    }

    /// <summary>"PostgreSQL store 'host:port/database'", as used in error messages.</summary>
    public string Description => _description;

    public long StaleWritesRefused => Interlocked.Read(ref _staleWritesRefused);

    /// <summary>Group-commit transactions committed since the store was opened.</summary>
    public long CommittedBatches => _writer.Batches;

    /// <summary>Group-commit writes executed in committed transactions since the store was opened.</summary>
    public long CommittedWrites => _writer.Items;

    /// <summary>The store's pool, for tests that look at its sessions.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Opens the store on <paramref name="connectionString"/> (an Npgsql connection string: Host, Port,
    /// Database, Username, Password, pool and TLS settings) and, unless
    /// <see cref="PostgresStoreOptions.MigrateOnOpen"/> is off, brings its schema up to date.</summary>
    /// <exception cref="ArgumentException">The connection string or an option is invalid (every problem named).</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refuses the connection.</exception>
    public static async Task<PostgresSotopiaStore> OpenAsync(
        string connectionString, PostgresStoreOptions? options = null, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        options ??= new PostgresStoreOptions();
        options.Validate();
        time ??= TimeProvider.System;
        ct.ThrowIfCancellationRequested();

        var settings = PostgresConnectionString.Parse(connectionString, "sotopia-store");
        if (settings.MaxAutoPrepare == 0)
        {
            // The hot statements are few and run thousands of times: prepare them on each pooled connection.
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }
        if (!ConnectionStringSets(connectionString, "Maximum Pool Size", "MaxPoolSize", "Max Pool Size"))
        {
            // Npgsql's default (100 per process) lets three silos exhaust PostgreSQL's default max_connections (100);
            // a silo needs few connections (operations are short, appends are batched), so cap it unless the
            // connection string says otherwise.
            settings.MaxPoolSize = options.MaxPoolSize;
        }
        if (!ConnectionStringSets(connectionString, "Command Timeout", "CommandTimeout"))
        {
            settings.CommandTimeout = Seconds(options.StatementTimeout + ClientTimeoutMargin);
        }
        // Startup options, so every session (pooled or new, after a server restart too) has them before its first
        // statement; -c settings the connection string gives come last and win.
        settings.Options = $"{SessionOptions(options)} {settings.Options}".Trim();
        var description = $"PostgreSQL store '{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}'";

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        if (options.LoggerFactory is not null)
        {
            builder.UseLoggerFactory(options.LoggerFactory);
        }
        var store = new PostgresSotopiaStore(builder.Build(), options, time, description);
        return options.MigrateOnOpen ? await StoreRules.MigratedAsync(store, ct).ConfigureAwait(false) : store;
    }

    /// <summary>Applies every migration not yet recorded in <c>schema_migrations</c>, all in one transaction that
    /// first takes a transaction-level advisory lock: silos starting at once run it one after the other, and all
    /// but the first find nothing to do. Idempotent.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await ApplyMigrationsAsync(cancellationToken).ConfigureAwait(false);
        await HashMigratedDatasetsAsync(cancellationToken).ConfigureAwait(false);
        await BackfillEpisodeReportsAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task ApplyMigrationsAsync(CancellationToken cancellationToken) =>
        WriteAsync("migrate", async (connection, ct) =>
        {
            // A migration may wait for running silos' locks and build an index on a large table: its own bounds.
            var limit = Milliseconds(_options.MigrationTimeout);
            await Execute(connection, $"SET LOCAL lock_timeout = {limit}; SET LOCAL statement_timeout = {limit}", ct).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.CommandTimeout = Seconds(_options.MigrationTimeout + ClientTimeoutMargin);
                command.CommandText = "SELECT pg_advisory_xact_lock($1)";
                command.Long(PostgresMigrations.AdvisoryLockKey);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await Execute(connection, PostgresMigrations.CreateMigrationsTable, ct).ConfigureAwait(false);
            var applied = new HashSet<int>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT version FROM schema_migrations";
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }
            var now = NowMs();
            foreach (var migration in PostgresMigrations.All)
            {
                if (applied.Contains(migration.Version))
                {
                    continue;
                }
                await Execute(connection, migration.Sql, ct, _options.MigrationTimeout + ClientTimeoutMargin).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";
                record.Int(migration.Version).Text(migration.Name).Long(now);
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken);

    /// <summary>Finishes queued writes, then closes every connection. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction on a pooled connection and commits. A deadlock
    /// or serialisation failure runs it again; a lost connection runs it once more on a fresh connection when
    /// COMMIT was not sent yet or the server ended the session for idling (either way it rolled it back).</summary>
    private async Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var conflicts = 0;
        var reconnected = false;
        while (true)
        {
            var committing = false;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(connection, cancellationToken).ConfigureAwait(false);
                committing = true;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception error) when (PostgresErrors.IsConflict(error) && conflicts < MaxConflictRetries)
            {
                conflicts++;
            }
            catch (Exception error) when (PostgresErrors.IsConnectionFailure(error) && !cancellationToken.IsCancellationRequested)
            {
                OnConnectionFailure(error);
                if ((committing && !PostgresErrors.EndedIdleTransaction(error)) || reconnected)
                {
                    throw;
                }
                reconnected = true;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection (in one read-only snapshot when asked);
    /// a lost connection is retried once on a fresh one.</summary>
    private async Task<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var reconnected = false;
        while (true)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (!snapshot)
                {
                    return await work(connection, cancellationToken).ConfigureAwait(false);
                }
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                var result = await work(connection, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception error) when (PostgresErrors.IsConnectionFailure(error) && !cancellationToken.IsCancellationRequested)
            {
                OnConnectionFailure(error);
                if (reconnected)
                {
                    throw;
                }
                reconnected = true;
            }
        }
    }

    /// <summary>A connection failed: the pooled ones are probably dead too (server restart), so drop the idle ones;
    /// unless the server ended only this session for idling in a transaction.</summary>
    private void OnConnectionFailure(Exception error)
    {
        if (!PostgresErrors.EndedIdleTransaction(error))
        {
            _dataSource.Clear();
        }
    }

    /// <summary>Awaits a fenced episode write, counting it when it is refused as stale.</summary>
    private async Task CountStaleAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (StaleWriteException)
        {
            Interlocked.Increment(ref _staleWritesRefused);
            throw;
        }
    }

    /// <summary>Queues one statement for the group commit; completes after its transaction committed.</summary>
    private async Task<T> GroupCommitAsync<T>(string operation, Func<NpgsqlBatchCommand> command, Func<NpgsqlDataReader, T> interpret, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var result = await _writer.EnqueueAsync(operation, new PostgresWrite(command, reader => interpret(reader)), cancellationToken)
            .ConfigureAwait(false);
        return (T)result!;
    }

    /// <summary>Reads the JSON records of a table in key order, page by page (<see cref="ReadPagesAsync"/>).
    /// <paramref name="firstPage"/> and <paramref name="nextPage"/> select <c>(created_at, seq, id, json::text)</c>, at
    /// most <c>$1</c> rows; <paramref name="nextPage"/> starts after <c>($2, $3)</c> = (created_at, seq).
    /// <paramref name="what"/> names a record in a parse error (e.g. "campaign").</summary>
    private async Task<List<T>> ListJsonAsync<T>(string operation, string what, string firstPage, string nextPage, CancellationToken cancellationToken)
    {
        var rows = await ReadPagesAsync<(long CreatedAt, long Seq, string Id, string Json)>(operation, async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = after is null ? firstPage : nextPage;
            command.Int(size);
            if (after is { } last)
            {
                command.Long(last.CreatedAt).Long(last.Seq);
            }
            var result = new List<(long, long, string, string)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<T>(r.Json, $"{what} '{r.Id}'"));
    }

    /// <summary>The JSON record of <paramref name="table"/> with <paramref name="id"/>, or null.</summary>
    private async Task<T?> GetJsonAsync<T>(string operation, string table, string what, string id, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var json = await ReadAsync(operation, async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT json::text FROM {table} WHERE id = $1";
            command.Text(id);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<T>(json, $"{what} '{id}'");
    }

    /// <summary>Reads a listing in pages of at most <see cref="PostgresStoreOptions.ReadPageSize"/> rows, each page one
    /// short statement on a connection of its own (a listing never holds a connection or a snapshot for long), the
    /// next page starting after the last row of the previous one (<paramref name="readPage"/> gets that row, or null
    /// for the first page, and the page size). Stops at <paramref name="limit"/> rows when one is given.</summary>
    private async Task<List<TRow>> ReadPagesAsync<TRow>(
        string operation, Func<NpgsqlConnection, TRow?, int, CancellationToken, Task<List<TRow>>> readPage, CancellationToken cancellationToken,
        int? limit = null)
        where TRow : struct
    {
        var rows = new List<TRow>();
        TRow? last = null;
        while (limit is null || rows.Count < limit)
        {
            var size = limit is null ? _options.ReadPageSize : Math.Min(_options.ReadPageSize, limit.Value - rows.Count);
            var after = last;
            var page = await ReadAsync(operation, (connection, ct) => readPage(connection, after, size, ct), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page);
            if (page.Count < size)
            {
                break;
            }
            last = page[^1];
        }
        return rows;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (timeout is { } value)
        {
            command.CommandTimeout = Seconds(value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>-c</c> startup options that bound every session of the store.</summary>
    private static string SessionOptions(PostgresStoreOptions options) =>
        $"-c statement_timeout={Milliseconds(options.StatementTimeout)} -c lock_timeout={Milliseconds(options.LockTimeout)} " +
        $"-c idle_in_transaction_session_timeout={Milliseconds(options.IdleInTransactionSessionTimeout)}";

    private static long Milliseconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds));

    private static int Seconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalSeconds));

    private long NowMs() => StoreValues.ToMs(_time.GetUtcNow());

    private T Parse<T>(string json, string what) => StoreValues.Parse<T>(json, what, _description);

    private static bool ConnectionStringSets(string connectionString, params string[] keys)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(builder.ContainsKey);
    }
}
