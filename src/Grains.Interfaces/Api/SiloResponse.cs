namespace SotopiaPi.Grains.Interfaces;

/// <summary>One silo of the cluster (<c>GET /api/silos</c>).</summary>
public sealed record SiloResponse
{
    public required string Id { get; init; }
    /// <summary>Where its API listens.</summary>
    public required string Address { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset LastHeartbeatAt { get; init; }
    /// <summary>See <see cref="SiloStatusNames"/>.</summary>
    public required string Status { get; init; }
    /// <summary>Episodes it is playing now (null when the silo does not report it).</summary>
    public long? ActiveEpisodes { get; init; }
    /// <summary>Episodes it finished since it started (null when not reported).</summary>
    public long? CompletedEpisodes { get; init; }
    public long? FailedEpisodes { get; init; }
    /// <summary>Activations it dropped because another silo took the episode over.</summary>
    public long? DroppedActivations { get; init; }
    public int? MaxConcurrentEpisodes { get; init; }
    /// <summary>Whether this is the silo that answered.</summary>
    public bool IsSelf { get; init; }
}
