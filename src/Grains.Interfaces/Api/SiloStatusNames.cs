namespace SotopiaPi.Grains.Interfaces;

/// <summary>The values of <see cref="SiloResponse.Status"/> (Orleans' silo statuses).</summary>
public static class SiloStatusNames
{
    /// <summary>Starting: joining the cluster.</summary>
    public const string Joining = "joining";
    public const string Active = "active";
    /// <summary>Shutting down gracefully: its grains deactivate and move to the other silos.</summary>
    public const string Stopping = "stopping";
    /// <summary>Stopped, or voted out by the other silos (killed or frozen).</summary>
    public const string Dead = "dead";
}
