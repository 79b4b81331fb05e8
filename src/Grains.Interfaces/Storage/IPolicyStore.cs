namespace SotopiaPi.Grains.Interfaces;

/// <summary>The policy registry's storage: versions with lineage and which one is active.</summary>
public interface IPolicyStore
{
    /// <summary>Registers a version. Idempotent: if a version with the same
    /// <see cref="PolicyVersion.TrainingRequestId"/> (or the same policy and number) exists, that one is
    /// returned and nothing is written. The version number given is ignored when the request already
    /// published; otherwise it must be the next free number.</summary>
    Task<PolicyVersion> RegisterVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default);

    /// <summary>Makes a version the active one (what new episodes pin).</summary>
    Task ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default);

    Task<PolicyVersion?> GetActiveVersionAsync(string policyName, CancellationToken cancellationToken = default);

    Task<PolicyVersion?> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default);

    /// <summary>All versions of a policy, oldest first.</summary>
    Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string policyName, CancellationToken cancellationToken = default);

    /// <summary>All policy names known.</summary>
    Task<IReadOnlyList<string>> ListPoliciesAsync(CancellationToken cancellationToken = default);
}
