namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Changes a campaign's status from inside a silo (the budget gate pauses a campaign that spent its
/// budget). In the cluster it is a call to the campaign's grain.</summary>
public interface ICampaignControl
{
    Task PauseAsync(string campaignId, CancellationToken cancellationToken);
}
