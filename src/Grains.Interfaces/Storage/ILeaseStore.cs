namespace SotopiaPi.Grains.Interfaces;

/// <summary>The lease/epoch contract: ownership of keyed objects with fencing. Implemented by SQLite (one
/// process owns everything, but the rules are the same) and PostgreSQL (many silos).</summary>
public interface ILeaseStore
{
    /// <summary>Takes the lease if nobody holds it, it expired, or <paramref name="owner"/> already holds it.
    /// A change of owner (or a take-over after expiry) increments the epoch; the same owner re-acquiring keeps
    /// its epoch. Returns null when someone else holds a live lease.</summary>
    Task<Lease?> TryAcquireAsync(string kind, string key, string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Extends every live lease held by <paramref name="owner"/> (the heartbeat). Returns how many.</summary>
    Task<int> RenewAllAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up (only if <paramref name="lease"/> is still current) so another owner can
    /// take it at once. The epoch is kept, so the next owner gets epoch + 1.</summary>
    Task ReleaseAsync(Lease lease, CancellationToken cancellationToken = default);

    /// <summary>The current lease row, live or expired, or null if none was ever taken.</summary>
    Task<Lease?> GetLeaseAsync(string kind, string key, CancellationToken cancellationToken = default);

    /// <summary>How many fenced writes were refused for a stale epoch since the store was opened (all kinds).</summary>
    long StaleWritesRefused { get; }
}
