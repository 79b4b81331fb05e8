namespace SotopiaPi.Grains.Interfaces;

/// <summary>The values of <see cref="SiloResponse.Status"/>.</summary>
public static class SiloStatusNames
{
    /// <summary>Started, not yet serving (store opened, schedulers starting).</summary>
    public const string Joining = "joining";
    public const string Active = "active";
    /// <summary>Shutting down gracefully: no longer claiming, handing its leases back.</summary>
    public const string Stopping = "stopping";
    /// <summary>Stopped, or its heartbeat is older than the lease timeout.</summary>
    public const string Dead = "dead";
}
