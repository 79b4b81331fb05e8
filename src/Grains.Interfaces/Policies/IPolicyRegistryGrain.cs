using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>The policy registry (key: policy name): versions with lineage (base → BC → SR rounds), the active
/// version, publishing and rollback. Versions live in the project store (it is their only writer); every change of
/// the active version is pushed at once to every subscribed <see cref="IPolicyObserver"/> (each silo's policy
/// cache), and a published version is reported to the campaign whose training request produced it.</summary>
public interface IPolicyRegistryGrain : IGrainWithStringKey
{
    /// <summary>Makes sure version 0 (the untrained base, calling <paramref name="baseModel"/>) exists and some
    /// version is active; returns version 0.</summary>
    Task<PolicyVersion> EnsureBaseAsync(string baseModel);

    /// <summary>The active version; throws <see cref="KeyNotFoundException"/> when the policy has none.</summary>
    Task<PolicyVersion> GetActiveAsync();

    /// <summary>A version, or null when it does not exist.</summary>
    Task<PolicyVersion?> GetVersionAsync(int version);

    /// <summary>Every version, oldest first (empty for an unknown policy).</summary>
    Task<ImmutableArray<PolicyVersion>> ListAsync();

    /// <summary>Registers the next version and makes it active. Idempotent per training request: publishing the
    /// same request again returns the first version and changes nothing.</summary>
    Task<PolicyVersion> PublishAsync(PolicyVersion candidate);

    /// <summary>Activates an existing version (new episodes pin it; running ones keep theirs). Throws
    /// <see cref="KeyNotFoundException"/> for an unknown version.</summary>
    Task<PolicyVersion> ActivateAsync(int version);

    /// <summary>Re-activates the version the active one was trained from; throws
    /// <see cref="InvalidOperationException"/> at the base version.</summary>
    Task<PolicyVersion> RollbackAsync();

    /// <summary>Pushes every later change of the active version to <paramref name="observer"/>. Subscriptions are
    /// not durable: an observer subscribes again now and then (each silo's policy cache does), and one that has not
    /// for a while is dropped.</summary>
    Task SubscribeAsync(IPolicyObserver observer);

    Task UnsubscribeAsync(IPolicyObserver observer);
}
