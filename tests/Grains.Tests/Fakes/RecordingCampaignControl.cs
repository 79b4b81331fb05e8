using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>Pauses campaigns the way the campaign grain does (the stored record becomes paused) and records which.</summary>
internal sealed class RecordingCampaignControl(InMemorySotopiaStore store) : ICampaignControl
{
    private readonly List<string> _paused = [];

    public IReadOnlyList<string> Paused
    {
        get
        {
            lock (_paused)
            {
                return [.. _paused];
            }
        }
    }

    public async Task PauseAsync(string campaignId, CancellationToken cancellationToken)
    {
        lock (_paused)
        {
            _paused.Add(campaignId);
        }
        var campaign = await store.GetCampaignAsync(campaignId, cancellationToken);
        await store.SaveCampaignAsync(campaign! with { Status = CampaignStatus.Paused }, cancellationToken);
    }
}
