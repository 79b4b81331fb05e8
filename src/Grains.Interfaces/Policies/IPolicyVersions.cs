namespace SotopiaPi.Grains.Interfaces;

/// <summary>Published policy versions as a silo sees them: its cache, filled by the registry's pushes and, on a
/// miss, by one call to the registry grain (versions never change once published). Never a database poll.</summary>
public interface IPolicyVersions
{
    /// <summary>The version; throws <see cref="KeyNotFoundException"/> when the policy has no such version.</summary>
    ValueTask<PolicyVersion> GetAsync(string policyName, int version, CancellationToken cancellationToken = default);

    /// <summary>The policy's active version as last pushed by its registry (or read from it).</summary>
    ValueTask<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default);
}
