using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>Published policy versions from a list; the active one is the highest unless set.</summary>
internal sealed class FixedPolicyVersions(params PolicyVersion[] versions) : IPolicyVersions
{
    public int? Active { get; set; }

    public ValueTask<PolicyVersion> GetAsync(string policyName, int version, CancellationToken cancellationToken = default) =>
        versions.FirstOrDefault(v => v.PolicyName == policyName && v.Version == version) is { } found
            ? ValueTask.FromResult(found)
            : throw new KeyNotFoundException($"Policy '{policyName}' has no version {version}.");

    public ValueTask<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default) =>
        GetAsync(policyName, Active ?? versions.Where(v => v.PolicyName == policyName).Max(v => v.Version), cancellationToken);
}
