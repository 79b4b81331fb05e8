using Microsoft.Extensions.Logging;

namespace SotopiaPi.Storage;

/// <summary>Settings of <see cref="PostgresSotopiaStore"/>. Connection settings (host, credentials, TLS…) belong in
/// the connection string; the timeouts here are applied to every session of the store unless the connection string
/// sets them itself (its <c>Command Timeout</c>, or <c>-c</c> settings in its <c>Options</c>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>Apply pending migrations when the store is opened (default). When false, call
    /// <see cref="PostgresSotopiaStore.MigrateAsync"/> before using the store.</summary>
    public bool MigrateOnOpen { get; set; } = true;

    /// <summary>At most this many queued turn appends / episode completions are committed in one group-commit
    /// transaction.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Connections in this process's pool when the connection string sets no <c>Maximum Pool Size</c>
    /// (Npgsql's default of 100 per process would let a few silos exhaust the server's <c>max_connections</c>).
    /// Size the server for silos × this + trainers × this.</summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>How many group-commit transactions may be in flight at once (each on its own pooled connection):
    /// while one commits, the next batch is already being written.</summary>
    public int GroupCommitWriters { get; set; } = 2;

    /// <summary>Listings read this many rows per statement (each page a short statement of its own, the next one
    /// starting after the last row), so no listing holds a connection or a snapshot for long.</summary>
    public int ReadPageSize { get; set; } = 1000;

    /// <summary>The server's <c>statement_timeout</c> on the store's sessions: no statement runs longer. The client's
    /// command timeout is this plus 5 seconds, so the server's own error normally comes first and the client one only
    /// guards against a server or network that stopped answering.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The server's <c>lock_timeout</c> on the store's sessions: a statement waiting this long for a row
    /// another session holds fails with <c>55P03 lock_not_available</c> (transient) instead of waiting on.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The server's <c>idle_in_transaction_session_timeout</c> on the store's sessions: a process frozen in
    /// the middle of one of the store's transactions (which await nothing but the database) is disconnected after
    /// this long, and the locks it held are released.</summary>
    public TimeSpan IdleInTransactionSessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long migrations may take (their statements and their locks: a migration may wait for running
    /// silos' transactions, and may create an index on a large table).</summary>
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Npgsql's own logging. Null: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        if (MaxBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{nameof(MaxBatchSize)} must be between 1 and 100000 (was {MaxBatchSize}).");
        }
        if (MaxPoolSize is < 4 or > 1000)
        {
            failures.Add($"{nameof(MaxPoolSize)} must be between 4 and 1000 (was {MaxPoolSize}).");
        }
        if (GroupCommitWriters is < 1 or > 64)
        {
            failures.Add($"{nameof(GroupCommitWriters)} must be between 1 and 64 (was {GroupCommitWriters}).");
        }
        if (ReadPageSize is < 1 or > 100_000)
        {
            failures.Add($"{nameof(ReadPageSize)} must be between 1 and 100000 (was {ReadPageSize}).");
        }
        CheckTimeout(failures, nameof(StatementTimeout), StatementTimeout, TimeSpan.FromHours(1));
        CheckTimeout(failures, nameof(LockTimeout), LockTimeout, StatementTimeout);
        CheckTimeout(failures, nameof(IdleInTransactionSessionTimeout), IdleInTransactionSessionTimeout, TimeSpan.FromHours(1));
        CheckTimeout(failures, nameof(MigrationTimeout), MigrationTimeout, TimeSpan.FromHours(24));
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join(" ", failures));
        }
    }

    private static void CheckTimeout(List<string> failures, string name, TimeSpan value, TimeSpan max)
    {
        if (value < TimeSpan.FromMilliseconds(1) || value > max)
        {
            failures.Add($"{name} must be between 1 ms and {max} (was {value}).");
        }
    }
}
