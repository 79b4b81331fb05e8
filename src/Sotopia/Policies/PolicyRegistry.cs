using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Policies;

/// <summary>The policy registry's rules (the registry grain's logic, host-free): versions with lineage (base → BC →
/// SR rounds), the active version, idempotent publishing and rollback, over the policy tables of the store. The
/// registry grain of a policy is their only writer.</summary>
public sealed class PolicyRegistry(IPolicyStore store, TimeProvider time)
{
    /// <summary>Makes sure version 0 (the untrained base) exists and some version is active.</summary>
    public async Task<PolicyVersion> EnsureBaseAsync(string policyName, string baseModel, CancellationToken cancellationToken = default)
    {
        var existing = await store.GetVersionAsync(policyName, 0, cancellationToken);
        var baseVersion = existing ?? await store.RegisterVersionAsync(
            new PolicyVersion
            {
                PolicyName = policyName,
                Version = 0,
                Kind = "base",
                Model = baseModel,
                CreatedAt = time.GetUtcNow(),
            },
            cancellationToken);
        if (await store.GetActiveVersionAsync(policyName, cancellationToken) is null)
        {
            await store.ActivateAsync(policyName, 0, cancellationToken);
        }
        return baseVersion;
    }

    public async Task<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default) =>
        await store.GetActiveVersionAsync(policyName, cancellationToken)
        ?? throw new KeyNotFoundException($"Policy '{policyName}' has no active version.");

    public async Task<PolicyVersion> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default) =>
        await store.GetVersionAsync(policyName, version, cancellationToken)
        ?? throw new KeyNotFoundException($"Policy '{policyName}' has no version {version}.");

    public Task<IReadOnlyList<PolicyVersion>> ListAsync(string policyName, CancellationToken cancellationToken = default) =>
        store.ListVersionsAsync(policyName, cancellationToken);

    /// <summary>Registers a new version (the next number) and makes it active. Idempotent per training
    /// request: publishing the same request twice returns the first version and changes nothing.</summary>
    public async Task<PolicyVersion> PublishAsync(PolicyVersion candidate, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var versions = await store.ListVersionsAsync(candidate.PolicyName, cancellationToken);
            var already = candidate.TrainingRequestId is null
                ? null
                : versions.FirstOrDefault(v => v.TrainingRequestId == candidate.TrainingRequestId);
            if (already is not null)
            {
                return already;
            }
            var next = versions.Count == 0 ? 0 : versions.Max(v => v.Version) + 1;
            try
            {
                var registered = await store.RegisterVersionAsync(
                    candidate with { Version = next, CreatedAt = time.GetUtcNow() }, cancellationToken);
                await store.ActivateAsync(registered.PolicyName, registered.Version, cancellationToken);
                return registered;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // Another trainer took this number in the meantime: read again and retry.
            }
        }
    }

    /// <summary>Activates an existing version (new episodes pin it; running ones keep theirs).</summary>
    public async Task<PolicyVersion> ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        var target = await GetVersionAsync(policyName, version, cancellationToken);
        await store.ActivateAsync(policyName, version, cancellationToken);
        return target;
    }

    /// <summary>Re-activates the version the active one was trained from (or the previous number).</summary>
    public async Task<PolicyVersion> RollbackAsync(string policyName, CancellationToken cancellationToken = default)
    {
        var active = await GetActiveAsync(policyName, cancellationToken);
        var target = active.ParentVersion ?? active.Version - 1;
        if (target < 0)
        {
            throw new InvalidOperationException($"Policy '{policyName}' is at its base version; there is nothing to roll back to.");
        }
        return await ActivateAsync(policyName, target, cancellationToken);
    }
}
