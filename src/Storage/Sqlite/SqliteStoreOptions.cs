namespace SotopiaPi.Storage;

/// <summary>Settings of <see cref="SqliteSotopiaStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>How long a statement waits for a lock held by another connection or process before it fails
    /// with <c>SQLITE_BUSY</c> (whole seconds are also used as the command timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Read connections kept open for concurrent readers (WAL lets them read while the writer writes).</summary>
    public int ReadConnections { get; set; } = 4;

    /// <summary>Listings read this many rows per read (each page a short read of its own, the next one starting
    /// after the last row), so no listing holds a read connection or a snapshot for long.</summary>
    public int ReadPageSize { get; set; } = 1000;

    /// <summary>At most this many queued writes are committed in one group-commit transaction.</summary>
    public int MaxBatchSize { get; set; } = 2048;

    /// <summary><c>false</c> (default): <c>synchronous=NORMAL</c>, every committed write survives a crash or
    /// SIGKILL of the process, the last commits may be lost on power loss or an OS crash. <c>true</c>:
    /// <c>synchronous=FULL</c>, an fsync per commit, durable against power loss too (slower).</summary>
    public bool SynchronousFull { get; set; }

    /// <summary>Apply pending migrations when the store is opened (default). When false, call
    /// <see cref="SqliteSotopiaStore.MigrateAsync"/> before using the store.</summary>
    public bool MigrateOnOpen { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{nameof(BusyTimeout)} must be between 0 and 1 hour (was {BusyTimeout}).");
        }
        if (ReadConnections is < 1 or > 256)
        {
            failures.Add($"{nameof(ReadConnections)} must be between 1 and 256 (was {ReadConnections}).");
        }
        if (ReadPageSize is < 1 or > 100_000)
        {
            failures.Add($"{nameof(ReadPageSize)} must be between 1 and 100000 (was {ReadPageSize}).");
        }
        if (MaxBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{nameof(MaxBatchSize)} must be between 1 and 100000 (was {MaxBatchSize}).");
        }
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid SQLite store options: " + string.Join(" ", failures));
        }
    }
}
