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
    /// <summary>The cursor this page started after (null: it started at <see cref="Offset"/>).</summary>
    public string? Cursor { get; init; }
    /// <summary>Pass as <c>cursor</c> for the next page; null when this page is the last.</summary>
    public string? NextCursor { get; init; }
    public required ImmutableArray<EpisodeSummaryResponse> Items { get; init; }
}
