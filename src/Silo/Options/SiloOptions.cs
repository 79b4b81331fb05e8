namespace SotopiaPi.Silo.Options;

/// <summary>How a silo runs grains. Bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>This silo's id in lease rows; defaults to host name + process id + a random suffix.</summary>
    public string SiloId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    private string? _leaseOwner;

    /// <summary>The owner written on this process's lease rows: the silo id plus a suffix unique to this process,
    /// so a silo restarted under the same id never renews (or writes under) its dead predecessor's leases —
    /// those expire and are taken over with a new epoch.</summary>
    public string LeaseOwner => _leaseOwner ??= $"{SiloId}#{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How many episodes this silo plays at once.</summary>
    public int MaxConcurrentEpisodes { get; set; } = 256;

    /// <summary>How many episodes one claim query takes at most.</summary>
    public int ClaimBatchSize { get; set; } = 128;

    /// <summary>How long a lease lives without renewal; a killed silo's grains move after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often leases are renewed (must be well under <see cref="LeaseDuration"/>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an idle scheduler waits before looking for work again (it is woken earlier when
    /// this silo creates episodes or finishes one).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the silo looks for campaigns nobody drives.</summary>
    public TimeSpan CampaignPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether this silo drives campaigns (every silo plays episodes).</summary>
    public bool RunCampaigns { get; set; } = true;
}
