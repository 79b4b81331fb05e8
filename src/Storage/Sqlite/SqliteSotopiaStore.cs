using System.Globalization;
using Microsoft.Data.Sqlite;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The embedded store: one SQLite file in WAL mode. All writes go through one write connection with
/// group commit (see <see cref="SqliteGroupCommit"/>); reads use a small pool of read-only connections, and
/// listings read in pages of <see cref="SqliteStoreOptions.ReadPageSize"/> rows (one short read each).
/// Durability: <c>synchronous=NORMAL</c> (default) — a write whose task completed survives a crash or SIGKILL of
/// the process; only power loss or an OS crash may lose the last commits (set
/// <see cref="SqliteStoreOptions.SynchronousFull"/> to be durable against those too). Times are stored with
/// millisecond precision. See <c>src/Storage/README.md</c> for the schema and the conditional writes.</summary>
public sealed partial class SqliteSotopiaStore : ISotopiaStore
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly SqliteGroupCommit _writer;
    private readonly SqliteReadPool _readers;
    private readonly int _pageSize;
    private long _staleWritesRefused;
    private int _disposed;

    private SqliteSotopiaStore(string path, TimeProvider time, SqliteGroupCommit writer, SqliteReadPool readers, int pageSize)
    {
        _path = path;
        _time = time;
        _writer = writer;
        _readers = readers;
        _pageSize = pageSize;
    }

    /// <summary>The full path of the database file.</summary>
    public string Path => _path;

    public long StaleWritesRefused => Interlocked.Read(ref _staleWritesRefused);

    /// <summary>Transactions committed by the writer since the store was opened (each holds a group of writes).</summary>
    public long CommittedBatches => _writer.Batches;

    /// <summary>Writes executed in committed transactions since the store was opened.</summary>
    public long CommittedWrites => _writer.Items;

    /// <summary>Opens (creating the folder and file if needed) the store at <paramref name="path"/> and, unless
    /// <see cref="SqliteStoreOptions.MigrateOnOpen"/> is off, brings its schema up to date.</summary>
    /// <exception cref="SqliteException">The file is not a database, is corrupt, locked or unwritable; the
    /// message names the path.</exception>
    public static async Task<SqliteSotopiaStore> OpenAsync(
        string path, SqliteStoreOptions? options = null, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SqliteStoreOptions();
        options.Validate();
        time ??= TimeProvider.System;
        ct.ThrowIfCancellationRequested();

        var fullPath = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var timeoutSeconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var busyTimeoutMs = ((long)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var writeConnection = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        var readConnection = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        SqliteSession writeSession;
        try
        {
            writeSession = SqliteSession.Open(writeConnection,
            [
                $"PRAGMA busy_timeout = {busyTimeoutMs}",
                "PRAGMA journal_mode = WAL",
                options.SynchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
            ]);
        }
        catch (SqliteException error)
        {
            throw SqliteErrors.WithPath(error, fullPath, "open");
        }

        var journalMode = writeSession.Command("PRAGMA journal_mode").ExecuteScalar() as string;
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            writeSession.Dispose();
            throw new InvalidOperationException(
                $"SQLite store '{fullPath}' could not be switched to WAL mode (journal_mode is '{journalMode}').");
        }

        var writer = new SqliteGroupCommit(writeSession, fullPath, options.MaxBatchSize);
        var readers = new SqliteReadPool(readConnection, [$"PRAGMA busy_timeout = {busyTimeoutMs}"], fullPath, options.ReadConnections);
        var store = new SqliteSotopiaStore(fullPath, time, writer, readers, options.ReadPageSize);
        return options.MigrateOnOpen ? await StoreRules.MigratedAsync(store, ct).ConfigureAwait(false) : store;
    }

    /// <summary>Applies every migration not yet recorded in <c>schema_migrations</c>, in one transaction
    /// (idempotent; concurrent callers, even in other processes, are serialised by SQLite's write lock).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await ApplyMigrationsAsync(cancellationToken).ConfigureAwait(false);
        await HashMigratedDatasetsAsync(cancellationToken).ConfigureAwait(false);
        await BackfillEpisodeReportsAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task ApplyMigrationsAsync(CancellationToken cancellationToken) =>
        WriteAsync("migrate", needsSavepoint: true, session =>
        {
            session.Execute(SqliteMigrations.CreateMigrationsTable);
            var applied = new HashSet<long>();
            using (var reader = session.Command("SELECT version FROM schema_migrations").ExecuteReader())
            {
                while (reader.Read())
                {
                    applied.Add(reader.GetInt64(0));
                }
            }
            var now = StoreValues.ToMs(_time.GetUtcNow());
            foreach (var migration in SqliteMigrations.All)
            {
                if (applied.Contains(migration.Version))
                {
                    continue;
                }
                using (var ddl = session.Connection.CreateCommand())
                {
                    ddl.CommandText = migration.Sql;
                    ddl.ExecuteNonQuery();
                }
                session.Command("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)")
                    .With("$v", migration.Version).With("$n", migration.Name).With("$t", now)
                    .ExecuteNonQuery();
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
        _readers.Dispose();
    }

    /// <summary>Queues a write for the group commit; completes after its transaction committed.</summary>
    private async Task<T> WriteAsync<T>(string operation, bool needsSavepoint, Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // Resumes on the caller's scheduler: the commit completes the item asynchronously anyway, so a grain caller
        // resumes after that one hop instead of hopping to the thread pool first and then to its scheduler.
        var result = await _writer.EnqueueAsync(operation, new SqliteWrite(needsSavepoint, session => work(session)), cancellationToken)
            .ConfigureAwait(true);
        return (T)result!;
    }

    /// <summary>Queues a fenced episode write and returns the group commit's own task: no continuation of ours runs
    /// between the commit and the caller, so a caller on a grain's scheduler resumes after one hop, not two. A write
    /// refused as stale is counted by the writer, as it refuses it. <paramref name="needsSavepoint"/>: the write has
    /// more than one statement, so a failure must undo its own part of the batch.</summary>
    private Task FencedWriteAsync(string operation, bool needsSavepoint, Action<SqliteSession> work, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Task.FromException(new ObjectDisposedException(GetType().FullName));
        }
        return _writer.EnqueueAsync(operation, new SqliteWrite(needsSavepoint, session =>
        {
            try
            {
                work(session);
                return null;
            }
            catch (StaleWriteException)
            {
                Interlocked.Increment(ref _staleWritesRefused);
                throw;
            }
        }), cancellationToken);
    }

    /// <summary>Reads a listing in pages of at most <see cref="SqliteStoreOptions.ReadPageSize"/> rows, each page one
    /// short read of its own (a listing never holds a read connection or a snapshot for long), the next page
    /// starting after the last row of the previous one (<paramref name="readPage"/> gets that row, or null for
    /// the first page, and the page size). Stops at <paramref name="limit"/> rows when one is given.</summary>
    private async Task<List<TRow>> ReadPagesAsync<TRow>(
        string operation, Func<SqliteSession, TRow?, int, List<TRow>> readPage, CancellationToken cancellationToken, int? limit = null)
        where TRow : struct
    {
        var rows = new List<TRow>();
        TRow? last = default;
        while (limit is null || rows.Count < limit)
        {
            var size = limit is null ? _pageSize : Math.Min(_pageSize, limit.Value - rows.Count);
            var after = last;
            var page = await ReadAsync(operation, session => readPage(session, after, size), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page);
            if (page.Count < size)
            {
                break;
            }
            last = page[^1];
        }
        return rows;
    }

    /// <summary>Reads the JSON records of a table in key order, page by page (<see cref="ReadPagesAsync"/>).
    /// <paramref name="firstPage"/> and <paramref name="nextPage"/> select <c>(created_at, seq, id, json)</c>, at most
    /// <c>$size</c> rows; <paramref name="nextPage"/> starts after <c>($afterCreated, $afterSeq)</c>.
    /// <paramref name="what"/> names a record in a parse error (e.g. "campaign").</summary>
    private async Task<List<T>> ListJsonAsync<T>(string operation, string what, string firstPage, string nextPage, CancellationToken cancellationToken)
    {
        var rows = await ReadPagesAsync<(long CreatedAt, long Seq, string Id, string Json)>(operation, (session, after, size) =>
        {
            var command = after is { } last
                ? session.Command(nextPage).With("$afterCreated", last.CreatedAt).With("$afterSeq", last.Seq)
                : session.Command(firstPage);
            var result = new List<(long, long, string, string)>();
            using var reader = command.With("$size", size).ExecuteReader();
            while (reader.Read())
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
        var json = await ReadAsync(operation, session =>
            session.Command($"SELECT json FROM {table} WHERE id = $id").With("$id", id).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<T>(json, $"{what} '{id}'");
    }

    private Task<T> ReadAsync<T>(string operation, Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _readers.ReadAsync(operation, work, cancellationToken, snapshot);
    }

    private long NowMs() => StoreValues.ToMs(_time.GetUtcNow());

    private T Parse<T>(string json, string what) => StoreValues.Parse<T>(json, what, $"SQLite store '{_path}'");
}
