namespace SotopiaPi.Grains.Interfaces;

/// <summary>What a <see cref="StoreNotification"/> tells.</summary>
public enum StoreNotificationKind
{
    /// <summary>Notifications may have been missed (or the subscription just started listening): re-read state.</summary>
    Resync,

    /// <summary>A policy version was registered: <see cref="StoreNotification.Key"/> is the policy name,
    /// <see cref="StoreNotification.Version"/> the version.</summary>
    PolicyVersionPublished,

    /// <summary>A policy version became the active one: key = policy name, version = the active version.</summary>
    PolicyVersionActivated,

    /// <summary>New episodes were created: key = campaign id, <see cref="StoreNotification.Count"/> = how many.</summary>
    EpisodesCreated,

    /// <summary>One or more episodes of a campaign ended (completed, failed or cancelled): key = campaign id.
    /// Several endings in one transaction may arrive as one notification.</summary>
    EpisodesFinished,

    /// <summary>A training request was created, claimed or completed: key = request id,
    /// <see cref="StoreNotification.TrainingStatus"/> = its new status.</summary>
    TrainingRequestChanged,
}
