using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>The store's one <c>LISTEN</c> connection (started by the first subscriber): forwards every
/// notification of the channel to the hub, probes the idle connection every keep-alive period, and when the
/// connection is lost reconnects with exponential backoff, telling subscribers to resync once it listens again.</summary>
internal sealed partial class PostgresNotificationListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly StoreNotificationHub _hub;
    private readonly PostgresStoreOptions _options;
    private readonly string _description;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _loop;
    private long _connections;

    public PostgresNotificationListener(NpgsqlDataSource source, StoreNotificationHub hub, PostgresStoreOptions options, string description)
    {
        _source = source;
        _hub = hub;
        _options = options;
        _description = description;
        _logger = (ILogger?)options.LoggerFactory?.CreateLogger<PostgresSotopiaStore>() ?? NullLogger.Instance;
    }

    /// <summary>How many times the listener connected (1 + reconnections).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_loop is null && !_stop.IsCancellationRequested)
            {
                _loop = Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var delay = _options.ListenerMinReconnectDelay;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(token).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {_options.NotificationChannel}";
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                Interlocked.Increment(ref _connections);
                _hub.SetListening(true);
                LogListening(_logger, _description, _options.NotificationChannel);
                delay = _options.ListenerMinReconnectDelay;
                while (true)
                {
                    if (!await connection.WaitAsync(_options.ListenerKeepAlive, token).ConfigureAwait(false))
                    {
                        await using var probe = connection.CreateCommand();
                        probe.CommandText = "SELECT 1";
                        await probe.ExecuteScalarAsync(token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                _hub.SetListening(false);
                LogListenerLost(_logger, error, _description, delay);
            }
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ListenerMaxReconnectDelay.Ticks));
        }
        _hub.SetListening(false);
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs args)
    {
        if (args.Channel != _options.NotificationChannel)
        {
            return;
        }
        if (PostgresNotifications.Parse(args.Payload) is { } notification)
        {
            _hub.Publish(notification);
        }
        else
        {
            LogBadPayload(_logger, _description, args.Payload);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stop.Cancel();
            loop = _loop;
        }
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "{Store}: listening on channel {Channel}")]
    private static partial void LogListening(ILogger logger, string store, string channel);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Store}: the notification listener lost its connection; reconnecting in {Delay}")]
    private static partial void LogListenerLost(ILogger logger, Exception exception, string store, TimeSpan delay);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "{Store}: ignored a notification with an unreadable payload: {Payload}")]
    private static partial void LogBadPayload(ILogger logger, string store, string payload);
}
