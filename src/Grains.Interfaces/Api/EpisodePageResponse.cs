using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/campaigns/{id}/episodes</c>: one page of a campaign's episodes, oldest first.</summary>
public sealed record EpisodePageResponse
{
    public required string CampaignId { get; init; }
    public required int Offset { get; init; }
    public required int Limit { get; init; }
    /// <summary>How many episodes match the filter in all.</summary>
    public required int Total { get; init; }
    public required ImmutableArray<EpisodeSummaryResponse> Items { get; init; }
}
