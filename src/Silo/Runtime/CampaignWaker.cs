using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Wakes every running campaign: when this silo becomes active (a campaign whose silo restarted resumes at
/// once — the embedded and single-silo profiles have no durable reminders) and whenever a silo leaves the cluster
/// (each campaign starts again the episodes it has in flight, so those of the dead silo resume elsewhere within
/// seconds of the vote, not at the next sweep). Waking is idempotent: every silo may do it.</summary>
internal sealed partial class CampaignWaker(
    ICampaignStore campaigns, IGrainFactory grains, IClusterMembershipService membership, ILogger<CampaignWaker> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(CampaignWaker), ServiceLifecycleStage.Active, OnActiveAsync, OnStopAsync);

    private async Task OnActiveAsync(CancellationToken cancellationToken)
    {
        await WakeAllAsync("this silo started", cancellationToken);
        _watching = WatchAsync(_stopping.Token);
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watching.WaitAsync(cancellationToken);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            var known = membership.CurrentSnapshot;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var left = snapshot.CreateUpdate(known).Changes
                    .Where(m => m.Status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping)
                    .Select(m => m.Name ?? m.SiloAddress.ToString())
                    .ToList();
                known = snapshot;
                if (left.Count > 0)
                {
                    await WakeAllAsync($"{string.Join(", ", left)} left the cluster", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    private async Task WakeAllAsync(string why, CancellationToken cancellationToken)
    {
        try
        {
            var running = (await campaigns.ListCampaignsAsync(cancellationToken))
                .Where(c => c.Status is CampaignStatus.Running)
                .ToList();
            if (running.Count == 0)
            {
                return;
            }
            LogWaking(logger, running.Count, why);
            await Task.WhenAll(running.Select(c => grains.GetGrain<ICampaignGrain>(c.Id).WakeAsync()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reminders and the campaigns' own sweeps are the safety net.
            LogWakeFailed(logger, ex, why);
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Waking {Count} running campaigns: {Why}")]
    private static partial void LogWaking(ILogger logger, int count, string why);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Could not wake the running campaigns ({Why})")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string why);
}
