using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary><c>GET /api/dashboard/episodes</c>: one page of the episodes matching the filter, oldest first.</summary>
public sealed record DashboardEpisodePageResponse
{
    /// <summary>The cursor this page started after (null: the first page).</summary>
    public string? Cursor { get; init; }
    public required int Limit { get; init; }
    /// <summary>How many episodes match the filter in all; null when counting them would mean reading more than
    /// <see cref="DashboardApi.ScanLimit"/> episodes (a per-episode filter on a large listing).</summary>
    public int? Total { get; init; }
    /// <summary>How many stored episodes this page examined (the per-episode filters read at most
    /// <see cref="DashboardApi.ScanLimit"/> per request, so a page can hold fewer than <see cref="Limit"/> items and
    /// still have a <see cref="NextCursor"/>).</summary>
    public required int Scanned { get; init; }
    /// <summary>Pass as <c>cursor</c> for the next page; null when the listing has no more episodes.</summary>
    public string? NextCursor { get; init; }
    public required ImmutableArray<EpisodeSummaryResponse> Items { get; init; }
}
