namespace SotopiaPi.Grains.Interfaces;

/// <summary>One change reported by <see cref="IStoreNotifications"/>. Which members are set depends on
/// <see cref="Kind"/> (see <see cref="StoreNotificationKind"/>); the others are null / 0.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The policy name, campaign id or training request id the change is about (empty for
/// <see cref="StoreNotificationKind.Resync"/>).</param>
public sealed record StoreNotification(StoreNotificationKind Kind, string Key)
{
    /// <summary>The policy version (policy notifications).</summary>
    public int? Version { get; init; }

    /// <summary>How many episodes were created (<see cref="StoreNotificationKind.EpisodesCreated"/>).</summary>
    public int Count { get; init; }

    /// <summary>The request's new status (<see cref="StoreNotificationKind.TrainingRequestChanged"/>).</summary>
    public TrainingStatus? TrainingStatus { get; init; }

    public static StoreNotification Resync { get; } = new(StoreNotificationKind.Resync, "");

    public static StoreNotification PolicyVersionPublished(string policyName, int version) =>
        new(StoreNotificationKind.PolicyVersionPublished, policyName) { Version = version };

    public static StoreNotification PolicyVersionActivated(string policyName, int version) =>
        new(StoreNotificationKind.PolicyVersionActivated, policyName) { Version = version };

    public static StoreNotification EpisodesCreated(string campaignId, int count) =>
        new(StoreNotificationKind.EpisodesCreated, campaignId) { Count = count };

    public static StoreNotification EpisodesFinished(string campaignId) =>
        new(StoreNotificationKind.EpisodesFinished, campaignId);

    public static StoreNotification TrainingRequestChanged(string requestId, TrainingStatus status) =>
        new(StoreNotificationKind.TrainingRequestChanged, requestId) { TrainingStatus = status };
}
