using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>One row of <c>GET /api/dashboard/campaigns</c>: a campaign's summary with its episode counts.</summary>
public sealed record DashboardCampaignResponse
{
    public required CampaignSummaryResponse Campaign { get; init; }
    public required EpisodeCountsResponse Episodes { get; init; }
    /// <summary>Total model cost in US dollars (0 for a simulator campaign); null when a model without a price used tokens.</summary>
    public decimal? CostUsd { get; init; }
    /// <summary>Total model tokens (0 for a simulator campaign).</summary>
    public long? Tokens { get; init; }
}
