using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Api.Campaigns;

/// <summary>Operator status changes (pause, resume, cancel); asking for the status a campaign already has
/// changes nothing and succeeds. After setting a pause or cancel it waits until the campaign's owner lets go of
/// the campaign lease (it does when it sees the new status) to answer "applied" rather than "requested"; the
/// store keeps the operator's status even if the owner saves a step at that moment.</summary>
internal sealed class CampaignControl(ISotopiaStore store, IOptions<SiloOptions> options, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long to wait for the owner before answering "requested".</summary>
    public TimeSpan ConfirmationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public async Task<(CampaignControlOutcome Outcome, CampaignRecord Campaign)> ChangeAsync(
        CampaignRecord campaign, CampaignStatus target, CancellationToken ct)
    {
        if (campaign.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled)
        {
            return (CampaignControlOutcome.Ended, campaign);
        }
        if (campaign.Status == target)
        {
            return (CampaignControlOutcome.Applied, campaign);
        }
        if (target == CampaignStatus.Running)
        {
            // Paused → running: nobody drives a paused campaign, so nothing can overwrite this.
            await store.SetCampaignStatusAsync(campaign.Id, CampaignStatus.Running, ct);
            return (CampaignControlOutcome.Applied, await ReloadAsync(campaign.Id, ct));
        }

        // One write is enough: the store keeps an operator's pause or cancel even when the campaign's owner saves
        // its progress at the same moment (only the owner's completed/failed wins), so nothing can revert it.
        var deadline = time.GetUtcNow() + ConfirmationTimeout;
        await store.SetCampaignStatusAsync(campaign.Id, target, ct);
        if (target == CampaignStatus.Cancelled)
        {
            await store.CancelEpisodesAsync(campaign.Id, ct);
        }
        var released = await WaitForOwnerAsync(campaign.Id, deadline, ct);
        var current = await ReloadAsync(campaign.Id, ct);
        if (current.Status == target)
        {
            return (released ? CampaignControlOutcome.Applied : CampaignControlOutcome.Requested, current);
        }
        return (current.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled
            ? CampaignControlOutcome.Ended
            : CampaignControlOutcome.Requested, current);
    }

    private async Task<bool> WaitForOwnerAsync(string campaignId, DateTimeOffset deadline, CancellationToken ct)
    {
        var step = PollInterval < options.Value.CampaignPollInterval ? PollInterval : options.Value.CampaignPollInterval;
        while (true)
        {
            var lease = await store.GetLeaseAsync(LeaseKinds.Campaign, campaignId, ct);
            var now = time.GetUtcNow();
            if (lease is null || lease.ExpiresAt <= now)
            {
                return true;
            }
            if (now >= deadline)
            {
                return false;
            }
            await Task.Delay(step, time, ct);
        }
    }

    private async Task<CampaignRecord> ReloadAsync(string campaignId, CancellationToken ct) =>
        await store.GetCampaignAsync(campaignId, ct) ?? throw new InvalidOperationException($"Campaign '{campaignId}' disappeared.");
}
