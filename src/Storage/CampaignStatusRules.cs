using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Rules both stores apply when a campaign's owner saves its record.</summary>
internal static class CampaignStatusRules
{
    private static readonly string Paused = StoreValues.Name(CampaignStatus.Paused);
    private static readonly string Cancelled = StoreValues.Name(CampaignStatus.Cancelled);

    /// <summary>An operator's pause or cancel wins over an owner that saves its progress as still running at
    /// the same moment: the owner sees the status on its next read and stops. Completed or failed saves win.</summary>
    public static CampaignRecord KeepOperatorStatus(CampaignRecord incoming, string? storedStatus) =>
        incoming.Status != CampaignStatus.Running ? incoming
        : storedStatus == Paused ? incoming with { Status = CampaignStatus.Paused }
        : storedStatus == Cancelled ? incoming with { Status = CampaignStatus.Cancelled }
        : incoming;
}
