using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The NOTIFY payload: a small JSON object <c>{"kind": "...", "key": "...", "version": n, "count": n,
/// "status": "..."}</c> with snake_case kind and status names (the same as <see cref="SotopiaJson"/>).</summary>
internal static class PostgresNotifications
{
    public const string PolicyVersionPublished = "policy_version_published";
    public const string PolicyVersionActivated = "policy_version_activated";
    public const string EpisodesCreated = "episodes_created";
    public const string EpisodesFinished = "episodes_finished";
    public const string TrainingRequestChanged = "training_request_changed";

    public static string Payload(StoreNotification notification) =>
        JsonSerializer.Serialize(new Wire(
            StoreValues.Name(notification.Kind), notification.Key, notification.Version,
            notification.Count == 0 ? null : notification.Count,
            notification.TrainingStatus is { } status ? StoreValues.Name(status) : null), SotopiaJson.Options);

    /// <summary>The notification, or null when the payload is not one of ours.</summary>
    public static StoreNotification? Parse(string payload)
    {
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(payload, SotopiaJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
        if (wire?.Key is not { } key)
        {
            return null;
        }
        return wire.Kind switch
        {
            PolicyVersionPublished when wire.Version is { } v => StoreNotification.PolicyVersionPublished(key, v),
            PolicyVersionActivated when wire.Version is { } v => StoreNotification.PolicyVersionActivated(key, v),
            EpisodesCreated => StoreNotification.EpisodesCreated(key, wire.Count ?? 0),
            EpisodesFinished => StoreNotification.EpisodesFinished(key),
            TrainingRequestChanged when ParseStatus(wire.Status) is { } s => StoreNotification.TrainingRequestChanged(key, s),
            _ => null,
        };
    }

    private static TrainingStatus? ParseStatus(string? name)
    {
        foreach (var status in Enum.GetValues<TrainingStatus>())
        {
            if (StoreValues.Name(status) == name)
            {
                return status;
            }
        }
        return null;
    }

    private sealed record Wire(string? Kind, string? Key, int? Version, int? Count, string? Status);
}
