using System.Collections.Concurrent;
using Npgsql;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The test's ear on the database: it LISTENs to the audit triggers' notifications (episode ends, campaign
/// status changes) and completes the waits that depend on them. Waiting is on events; a wait that does not happen
/// within its bound fails naming what it waited for. After a database restart the test calls <see cref="Reconnect"/>:
/// it listens again and re-reads the counts from the audit tables, so no notification missed meanwhile is lost.</summary>
internal sealed class ClusterEvents : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _ended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TaskCompletionSource, Func<bool>> _waiters = new();
    private readonly Task _listening;
    private readonly ConcurrentQueue<string> _failures = new();
    private TaskCompletionSource _reconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterEvents(string connectionString)
    {
        _connectionString = connectionString;
        _listening = ListenAsync(_stop.Token);
    }

    public static ClusterEvents Start(string connectionString) => new(connectionString);

    /// <summary>The database is back after a restart: listen again.</summary>
    public void Reconnect() => _reconnect.TrySetResult();

    public int Ended(string campaignId) => _ended.GetValueOrDefault(campaignId);

    public string? Status(string campaignId) => _status.GetValueOrDefault(campaignId);

    /// <summary>Waits until <paramref name="condition"/> holds, checking after every notification.</summary>
    public async Task WaitAsync(Func<bool> condition, string what, TimeSpan timeout, Func<Task<string>> describe)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[waiter] = condition;
        try
        {
            if (!condition())
            {
                await waiter.Task.WaitAsync(timeout);
            }
        }
        catch (TimeoutException)
        {
            var failures = _failures.IsEmpty ? "" : "\nlistener failures: " + string.Join(" | ", _failures);
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.{failures}\n{await describe()}");
        }
        finally
        {
            _waiters.TryRemove(waiter, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _listening;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {WriteAudit.EpisodeEndedChannel}; LISTEN {WriteAudit.CampaignChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                await RefreshAsync(connection, cancellationToken);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {ex.GetType().Name}: {ex.Message}");
                // The server is being restarted (a test does that on purpose): listen again once the test says it is back.
                await _reconnect.Task.WaitAsync(cancellationToken);
                _reconnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>What the audit tables say now (counts notified while nobody listened included).</summary>
    private async Task RefreshAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var ends = new NpgsqlCommand(
            "SELECT e.campaign_id, count(*) FROM audit_ends a JOIN episodes e ON e.id = a.episode_id GROUP BY e.campaign_id", connection))
        await using (var reader = await ends.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (campaign, count) = (reader.GetString(0), (int)reader.GetInt64(1));
                _ended.AddOrUpdate(campaign, count, (_, n) => Math.Max(n, count));
            }
        }
        await using (var campaigns = new NpgsqlCommand("SELECT id, status FROM campaigns", connection))
        await using (var reader = await campaigns.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                _status[reader.GetString(0)] = reader.GetString(1);
            }
        }
        Notify();
    }

    private void Notify()
    {
        foreach (var (waiter, condition) in _waiters)
        {
            if (condition())
            {
                waiter.TrySetResult();
            }
        }
    }

    private void OnNotification(string channel, string payload)
    {
        var space = payload.LastIndexOf(' ');
        if (channel == WriteAudit.EpisodeEndedChannel)
        {
            // "<campaign> <episode>"
            _ended.AddOrUpdate(payload[..space], 1, (_, n) => n + 1);
        }
        else
        {
            // "<campaign> <status>"
            _status[payload[..space]] = payload[(space + 1)..];
        }
        Notify();
    }
}
