namespace SotopiaPi.Grains.Interfaces;

/// <summary>Campaign records. The campaign's owner writes under the campaign lease.</summary>
public interface ICampaignStore
{
    /// <summary>Creates the campaign; throws <see cref="InvalidOperationException"/> if the id exists.</summary>
    Task CreateCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored record. Fenced by the campaign lease.</summary>
    Task SaveCampaignAsync(Lease lease, CampaignRecord campaign, CancellationToken cancellationToken = default);

    /// <summary>Sets only the status (operator actions: pause, resume, cancel). Not fenced.</summary>
    Task SetCampaignStatusAsync(string campaignId, CampaignStatus status, CancellationToken cancellationToken = default);

    Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>All campaigns, newest first.</summary>
    Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default);
}
