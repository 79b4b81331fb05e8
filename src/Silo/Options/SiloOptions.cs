namespace SotopiaPi.Silo.Options;

/// <summary>How a silo runs (section <c>Silo</c>): its name, its Orleans endpoints and how many episodes it plays at once.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>This silo's name in Orleans membership, logs and <c>/api/silos</c>; defaults to host name + process id.</summary>
    public string SiloId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The Orleans cluster (and service) id: silos with the same id and store form one cluster.</summary>
    public string ClusterId { get; set; } = "sotopia";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients (the trainer process) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP address this silo advertises to the others; null = Orleans' choice (this host's first address;
    /// in Kubernetes, the pod IP). Several silos on one machine can use 127.0.0.1.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How many episodes this silo plays at once (it advertises this to the cluster; campaigns keep the sum
    /// over the active silos in flight).</summary>
    public int MaxConcurrentEpisodes { get; set; } = 256;
}
