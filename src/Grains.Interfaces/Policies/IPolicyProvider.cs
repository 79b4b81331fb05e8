namespace SotopiaPi.Grains.Interfaces;

/// <summary>Resolves a seat binding (role + pinned version) to the policy that plays it. A provider caches
/// what it loads (checkpoints, clients); resolving the same binding twice is cheap.</summary>
public interface IPolicyProvider
{
    ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default);
}
