using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Turns the store's notifications (PostgreSQL LISTEN/NOTIFY across silos; in-process on SQLite) into
/// wake-ups: new episodes wake the episode scheduler, finished episodes and training changes wake the waiting
/// campaign. Polling stays as the fallback, so a missed notification only delays, never loses, work.</summary>
internal sealed partial class NotificationPump(
    ISotopiaStore store,
    WorkSignal episodes,
    CampaignWakeup campaigns,
    ILogger<NotificationPump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not IStoreNotifications notifications)
        {
            return;
        }
        try
        {
            await foreach (var notification in notifications.SubscribeAsync(stoppingToken))
            {
                switch (notification.Kind)
                {
                    case StoreNotificationKind.EpisodesCreated:
                        episodes.Set();
                        break;
                    case StoreNotificationKind.EpisodesFinished:
                        campaigns.Wake(notification.Key);
                        break;
                    case StoreNotificationKind.TrainingRequestChanged:
                    case StoreNotificationKind.PolicyVersionPublished:
                    case StoreNotificationKind.PolicyVersionActivated:
                        LogPolicyOrTraining(logger, notification.Kind, notification.Key, notification.Version);
                        campaigns.WakeAll();
                        break;
                    case StoreNotificationKind.Resync:
                        episodes.Set();
                        campaigns.WakeAll();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Store notification {Kind} for {Key} (version {Version})")]
    private static partial void LogPolicyOrTraining(ILogger logger, StoreNotificationKind kind, string key, int? version);
}
