using Orleans.Configuration;

namespace SotopiaPi.OrleansTestSilo;

/// <summary>The membership timing the tests measure: probe every second with a 1 s timeout, suspect after 2 missed
/// probes, re-read the table every 2 s, publish I-am-alive every 5 s.</summary>
public static class TunedMembership
{
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
