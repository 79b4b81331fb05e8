using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Campaign status changes made inside a silo (the LLM budget gate pausing a campaign), as calls to the
/// campaign's grain: the same path as an operator's pause.</summary>
internal sealed class GrainCampaignControl(IGrainFactory grains) : ICampaignControl
{
    public async Task PauseAsync(string campaignId, CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<ICampaignGrain>(campaignId).SetStatusAsync(CampaignStatus.Paused).WaitAsync(cancellationToken);
        }
        catch (CampaignConflictException)
        {
            // It ended (or was cancelled) meanwhile: nothing to pause.
        }
    }
}
