namespace SotopiaPi.Grains.Interfaces;

/// <summary>What a silo says about itself when it registers.</summary>
/// <param name="Id">The silo id (also the owner name of its leases).</param>
/// <param name="Address">Where its HTTP API listens (for example <c>http://10.0.0.5:8080</c>).</param>
/// <param name="StartedAt">When the process started.</param>
public sealed record SiloInfo(string Id, string Address, DateTimeOffset StartedAt);
