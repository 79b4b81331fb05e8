namespace SotopiaPi.Grains.Interfaces;

/// <summary>Where a campaign runs now (<c>GET /api/campaigns/{id}/workers</c>): the silo its grain is active on (null
/// when it is not active anywhere, e.g. it ended) — its episodes are spread over every silo (<c>GET /api/silos</c>).</summary>
public sealed record CampaignWorkersResponse
{
    public required string CampaignId { get; init; }
    public string? Driver { get; init; }
}
