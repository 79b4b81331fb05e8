namespace SotopiaPi.Grains.Interfaces;

/// <summary>Campaign records as users read them (list, status, reports). Written only by the campaign's grain,
/// after it stored its own state: a row is replaced only by a record with a higher
/// <see cref="CampaignRecord.Revision"/>, so a stale activation's late write changes nothing.</summary>
public interface ICampaignStore
{
    /// <summary>Inserts the campaign, or replaces the stored row when <paramref name="campaign"/> has a higher
    /// revision. Returns false (and writes nothing) when the stored row's revision is the same or higher.</summary>
    Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default);

    Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>All campaigns, newest first.</summary>
    Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default);
}
