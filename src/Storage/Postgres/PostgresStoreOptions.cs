using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Storage;

/// <summary>Settings of <see cref="PostgresSotopiaStore"/>. Connection settings (pool size, timeouts, TLS…)
/// belong in the connection string.</summary>
public sealed partial class PostgresStoreOptions
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

    /// <summary>The <c>LISTEN/NOTIFY</c> channel; every store on the same database must use the same one.</summary>
    public string NotificationChannel { get; set; } = "sotopia_store";

    /// <summary>How many notifications a subscriber may have queued before it loses some (and gets a Resync).</summary>
    public int NotificationQueueCapacity { get; set; } = 10_000;

    /// <summary>First wait before the listener reconnects after losing its connection; doubles up to
    /// <see cref="ListenerMaxReconnectDelay"/>.</summary>
    public TimeSpan ListenerMinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ListenerMaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The idle listener connection is probed this often, so a silently dropped connection is noticed.</summary>
    public TimeSpan ListenerKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Logs the listener's reconnections (and Npgsql's own logging). Null: no logging.</summary>
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
        if (NotificationChannel is null || !ChannelName().IsMatch(NotificationChannel))
        {
            failures.Add($"{nameof(NotificationChannel)} must be a lower-case identifier of at most 63 characters (was '{NotificationChannel}').");
        }
        if (NotificationQueueCapacity is < 1 or > 10_000_000)
        {
            failures.Add($"{nameof(NotificationQueueCapacity)} must be between 1 and 10000000 (was {NotificationQueueCapacity}).");
        }
        if (ListenerMinReconnectDelay <= TimeSpan.Zero || ListenerMinReconnectDelay > ListenerMaxReconnectDelay)
        {
            failures.Add($"{nameof(ListenerMinReconnectDelay)} must be positive and at most {nameof(ListenerMaxReconnectDelay)} (was {ListenerMinReconnectDelay}).");
        }
        if (ListenerMaxReconnectDelay > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{nameof(ListenerMaxReconnectDelay)} must be at most 10 minutes (was {ListenerMaxReconnectDelay}).");
        }
        if (ListenerKeepAlive < TimeSpan.FromMilliseconds(100) || ListenerKeepAlive > TimeSpan.FromHours(1))
        {
            failures.Add($"{nameof(ListenerKeepAlive)} must be between 100 ms and 1 hour (was {ListenerKeepAlive}).");
        }
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join(" ", failures));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex ChannelName();
}
