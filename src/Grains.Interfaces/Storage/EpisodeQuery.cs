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
    /// <summary>Only episodes after this position (keyset paging: the cost of a page does not grow with its depth).
    /// Not together with <see cref="Offset"/>.</summary>
    public EpisodeCursor? After { get; init; }
    /// <summary>How many matching episodes to skip (oldest first); 0 = none. Deep offsets cost a scan of every
    /// skipped row: listings page with <see cref="After"/>.</summary>
    public int Offset { get; init; }
    /// <summary>At most this many episodes; null = every matching one (never a silent cap).</summary>
    public int? Limit { get; init; }
}
