namespace SotopiaPi.Grains.Interfaces;

/// <summary>A filter for listing episodes; null members do not filter, and no limit applies unless one is set.</summary>
[Immutable]
public sealed record EpisodeQuery
{
    public string? CampaignId { get; init; }
    public int? Round { get; init; }
    public string? Phase { get; init; }
    public EpisodeStatus? Status { get; init; }
    public string? ScenarioId { get; init; }
    /// <summary>How many matching episodes to skip (oldest first); 0 = none.</summary>
    public int Offset { get; init; }
    /// <summary>At most this many episodes; null = every matching one (never a silent cap).</summary>
    public int? Limit { get; init; }
}
