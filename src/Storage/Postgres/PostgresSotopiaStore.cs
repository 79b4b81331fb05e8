using System.Text.Json;
using Npgsql;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The cluster store: one PostgreSQL database shared by every silo. One singleton
/// <see cref="NpgsqlDataSource"/> (its pool) serves short-lived connections, one per operation; turn appends
/// and episode completions go through group commit (<see cref="PostgresWriteQueue"/>); everything else is one
/// transaction of its own. Every lease time comes from the injected <see cref="TimeProvider"/> (Unix
/// milliseconds), exactly as on SQLite. Episode writes are fenced: each activation of an episode grain takes the
/// next fence number (<see cref="BeginEpisodeAsync"/>), and a turn or completion commits only while the
/// episode's row still carries that fence — checked and locked (<c>FOR NO KEY UPDATE</c>) in the writing
/// transaction, so a newer activation's begin waits for the older write's commit and then refuses the rest.
/// A write is durable when its task completes (the server's <c>synchronous_commit</c> decides what that means).
/// Errors are never turned into empty results: database failures surface as <see cref="NpgsqlException"/>
/// (a lost connection is re-tried once, with a fresh connection, when nothing can have been committed; a
/// deadlock re-runs the transaction); unreadable stored JSON throws <see cref="InvalidDataException"/> naming
/// the database and the record. See <c>src/Storage/README.md</c>.</summary>
public sealed partial class PostgresSotopiaStore : ISotopiaStore
{
    private const int MaxConflictRetries = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly string _description;
    private readonly PostgresWriteQueue _writer;
    private long _staleWritesRefused;
    private int _disposed;

    private PostgresSotopiaStore(NpgsqlDataSource dataSource, PostgresStoreOptions options, TimeProvider time, string description)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _description = description;
        _writer = new PostgresWriteQueue(dataSource, description, options.MaxBatchSize, options.GroupCommitWriters, OnConnectionFailure,
            () => Interlocked.Increment(ref _staleWritesRefused));
    }

    /// <summary>"PostgreSQL store 'host:port/database'", as used in error messages.</summary>
    public string Description => _description;

    public long StaleWritesRefused => Interlocked.Read(ref _staleWritesRefused);

    /// <summary>Group-commit transactions committed since the store was opened.</summary>
    public long CommittedBatches => _writer.Batches;

    /// <summary>Group-commit writes executed in committed transactions since the store was opened.</summary>
    public long CommittedWrites => _writer.Items;

    /// <summary>Opens the store on <paramref name="connectionString"/> (an Npgsql connection string: Host, Port,
    /// Database, Username, Password, pool and timeout settings) and, unless
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

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {error.Message}", nameof(connectionString), error);
        }
        if (string.IsNullOrEmpty(settings.Host))
        {
            throw new ArgumentException("Invalid PostgreSQL connection string: it names no Host.", nameof(connectionString));
        }
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "sotopia-store";
        }
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
        var description = $"PostgreSQL store '{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}'";

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        if (options.LoggerFactory is not null)
        {
            builder.UseLoggerFactory(options.LoggerFactory);
        }
        var dataSource = builder.Build();

        var store = new PostgresSotopiaStore(dataSource, options, time, description);
        if (options.MigrateOnOpen)
        {
            try
            {
                await store.MigrateAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return store;
    }

    /// <summary>Applies every migration not yet recorded in <c>schema_migrations</c>, all in one transaction that
    /// first takes a transaction-level advisory lock: silos starting at once run it one after the other, and all
    /// but the first find nothing to do. Idempotent.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        WriteAsync("migrate", async (connection, ct) =>
        {
            await using (var command = connection.CreateCommand())
            {
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
                await Execute(connection, migration.Sql, ct).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";
                record.Int(migration.Version).Text(migration.Name).Long(now);
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken);

    /// <summary>Finishes queued writes, then closes every connection.
    /// Safe to call more than once.</summary>
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
    /// COMMIT was not sent yet (the server rolled it back); a refused fenced write is counted.</summary>
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
            catch (StaleWriteException)
            {
                Interlocked.Increment(ref _staleWritesRefused);
                throw;
            }
            catch (Exception error) when (PostgresErrors.IsConflict(error) && conflicts < MaxConflictRetries)
            {
                conflicts++;
            }
            catch (Exception error) when (PostgresErrors.IsConnectionFailure(error) && !cancellationToken.IsCancellationRequested)
            {
                OnConnectionFailure();
                if (committing || reconnected)
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
                OnConnectionFailure();
                if (reconnected)
                {
                    throw;
                }
                reconnected = true;
            }
        }
    }

    /// <summary>A connection failed: the pooled ones are probably dead too (server restart), so drop the idle ones.</summary>
    private void OnConnectionFailure() => _dataSource.Clear();

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private long NowMs() => StoreValues.ToMs(_time.GetUtcNow());

    private T Parse<T>(string json, string what) => StoreValues.Parse<T>(json, what, _description);

    private static bool ConnectionStringSets(string connectionString, params string[] keys)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(builder.ContainsKey);
    }
}
