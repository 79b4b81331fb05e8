using Orleans.Runtime;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>A bounded wait on Orleans membership; a timeout says what was waited for and what was last seen.</summary>
internal static class WithinMembership
{
    /// <summary>Waits until a snapshot of <paramref name="membership"/> (the current one, then each update)
    /// satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<ClusterMembershipSnapshot> MembershipAsync(
        IClusterMembershipService membership, Func<ClusterMembershipSnapshot, bool> condition, TimeSpan timeout, string what)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        ClusterMembershipSnapshot? last = null;
        async Task<ClusterMembershipSnapshot?> Watch()
        {
            try
            {
                await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellation.Token))
                {
                    last = snapshot;
                    if (condition(snapshot))
                    {
                        return snapshot;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
            }
            return null;
        }
        ClusterMembershipSnapshot? found;
        try
        {
            found = await Watch().WaitAsync(timeout + TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            found = null;
        }
        return found ?? throw new TimeoutException(
            $"Waited {timeout.TotalSeconds:0.#} s for {what}; last membership seen: {last?.ToString() ?? "none"}.");
    }
}
