namespace SotopiaPi.Grains.Interfaces;

/// <summary>Optional push notifications of store changes, so silos react at once instead of polling (a new
/// policy version reaches every silo; new or finished episodes wake the campaign's owner).
/// <para>Delivery is a hint, not a log: notifications are sent only after the change committed, in commit order
/// per writer, at most once, and only to subscribers that were listening at the time. Every subscription
/// therefore starts with a <see cref="StoreNotificationKind.Resync"/> once it is listening, and gets another
/// whenever notifications may have been missed (the PostgreSQL listener lost its connection and reconnected,
/// or the subscriber fell behind): on a <c>Resync</c>, re-read whatever state you care about. Keep a slow
/// fallback poll anyway.</para>
/// <para>PostgreSQL: <c>NOTIFY</c> inside the writing transaction and one <c>LISTEN</c> connection per store,
/// so every store instance on the same database (every silo) sees every change. SQLite: in-process only — the
/// subscribers of the same store instance see the writes made through it.</para></summary>
public interface IStoreNotifications
{
    /// <summary>Subscribes at once (before the method returns) and yields notifications until
    /// <paramref name="cancellationToken"/> is cancelled or the store is disposed (the sequence then ends). The
    /// first item is a <see cref="StoreNotificationKind.Resync"/>: from then on, every committed change is
    /// delivered.</summary>
    IAsyncEnumerable<StoreNotification> SubscribeAsync(CancellationToken cancellationToken = default);
}
