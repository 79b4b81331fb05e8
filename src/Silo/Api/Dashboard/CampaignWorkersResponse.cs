using System.Collections.Immutable;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary><c>GET /api/campaigns/{id}/workers</c>: which silos work on a campaign now: the one driving it
/// (holding its live campaign lease) and, per silo, how many of its running episodes it plays.</summary>
public sealed record CampaignWorkersResponse
{
    public required string CampaignId { get; init; }
    /// <summary>The silo holding the campaign's live lease, or null when nobody drives it now.</summary>
    public string? Driver { get; init; }
    public required ImmutableArray<CampaignWorkerResponse> Silos { get; init; }
}
