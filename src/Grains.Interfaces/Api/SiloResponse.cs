namespace SotopiaPi.Grains.Interfaces;

/// <summary>One silo as Orleans' membership sees it (<c>GET /api/silos</c>).</summary>
public sealed record SiloResponse
{
    /// <summary>The silo's name (<c>Silo:SiloId</c>).</summary>
    public required string Id { get; init; }
    /// <summary>Its Orleans endpoint (address:port@generation).</summary>
    public required string Address { get; init; }
    /// <summary>Where its HTTP API listens, as it advertises it (null when not known).</summary>
    public string? ApiUrl { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>When it last wrote "I am alive" into the membership table.</summary>
    public required DateTimeOffset LastHeartbeatAt { get; init; }
    /// <summary>See <see cref="SiloStatusNames"/>.</summary>
    public required string Status { get; init; }
    /// <summary>Grain activations on it now (null for a silo that is not active).</summary>
    public long? GrainsActive { get; init; }
    /// <summary>Episodes activated on it now: playing, or waiting for one of its episode slots.</summary>
    public long? EpisodesInFlight { get; init; }
    /// <summary>How many episodes it plays at once (its <c>Silo:MaxConcurrentEpisodes</c>).</summary>
    public int? MaxConcurrentEpisodes { get; init; }
    /// <summary>Whether this is the silo that answered.</summary>
    public bool IsSelf { get; init; }
}
