using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The silos of the cluster as <c>GET /api/silos</c> shows them, and where a grain is active.</summary>
internal interface ISiloDirectory
{
    Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The name of the silo a campaign's grain is active on, or null.</summary>
    Task<string?> CampaignDriverAsync(string campaignId, CancellationToken cancellationToken);
}
