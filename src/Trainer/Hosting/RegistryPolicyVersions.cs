using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>Policy versions read from their registry grains: what a trainer process uses (a silo has its cache).</summary>
internal sealed class RegistryPolicyVersions(IGrainFactory grains) : IPolicyVersions
{
    public async ValueTask<PolicyVersion> GetAsync(string policyName, int version, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IPolicyRegistryGrain>(policyName).GetVersionAsync(version).WaitAsync(cancellationToken)
        ?? throw new KeyNotFoundException($"Policy '{policyName}' has no version {version}.");

    public async ValueTask<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<IPolicyRegistryGrain>(policyName).GetActiveAsync().WaitAsync(cancellationToken);
}
