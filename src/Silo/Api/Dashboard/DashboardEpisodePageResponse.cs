using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary><c>GET /api/dashboard/episodes</c>: one page of the episodes matching the filter, oldest first.</summary>
public sealed record DashboardEpisodePageResponse
{
    public required int Offset { get; init; }
    public required int Limit { get; init; }
    /// <summary>How many episodes match the filter in all.</summary>
    public required int Total { get; init; }
    public required ImmutableArray<EpisodeSummaryResponse> Items { get; init; }
}
