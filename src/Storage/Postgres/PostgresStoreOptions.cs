using Microsoft.Extensions.Logging;

namespace SotopiaPi.Storage;

/// <summary>Settings of <see cref="PostgresSotopiaStore"/>. Connection settings (pool size, timeouts, TLS…)
/// belong in the connection string.</summary>
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
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join(" ", failures));
        }
    }
}
