using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>Keeps this silo's membership row current: registers once the server listens (so the row carries
/// the real address), heartbeats with its counters, and marks itself stopped on a graceful stop.</summary>
internal sealed partial class SiloMembershipHeartbeat(
    ISotopiaStore store,
    LocalSilo self,
    SiloStatistics statistics,
    IHostApplicationLifetime lifetime,
    IOptions<SiloOptions> options,
    TimeProvider time,
    ILogger<SiloMembershipHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using (var started = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stoppingToken))
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, started.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The server listens now, so the address is known.
                }
            }
            await RegisterAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!await store.HeartbeatAsync(self.Id, Stats(), stoppingToken))
                    {
                        await RegisterAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogHeartbeatFailed(logger, ex, self.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the row is marked below.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.MarkStoppedAsync(self.Id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHeartbeatFailed(logger, ex, self.Id);
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await store.RegisterSiloAsync(new SiloInfo(self.Id, self.Address, self.StartedAt), cancellationToken);
        await store.HeartbeatAsync(self.Id, Stats(), cancellationToken);
    }

    private SiloStats Stats() => new()
    {
        RunningEpisodes = (int)statistics.ActiveEpisodes,
        CompletedEpisodes = statistics.EpisodesCompleted,
        FailedEpisodes = statistics.EpisodesFailed,
        StaleWritesRefused = store.StaleWritesRefused,
    };

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Silo {SiloId} could not write its membership heartbeat; retrying")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string siloId);
}
