namespace SotopiaPi.Grains.Interfaces;

/// <summary>A filter for listing episodes; null members do not filter.</summary>
public sealed record EpisodeQuery
{
    public string? CampaignId { get; init; }
    public int? Round { get; init; }
    public string? Phase { get; init; }
    public EpisodeStatus? Status { get; init; }
    public string? ScenarioId { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 10_000;
}
