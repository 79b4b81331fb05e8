using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Renews every lease this silo holds (episodes and campaigns) in one statement per interval.</summary>
internal sealed partial class LeaseHeartbeat(
    ISotopiaStore store,
    IOptions<SiloOptions> options,
    TimeProvider time,
    ILogger<LeaseHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.RenewAllAsync(o.LeaseOwner, o.LeaseDuration, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(logger, ex, o.SiloId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Silo {SiloId} could not renew its leases; retrying at the next heartbeat")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string siloId);
}
