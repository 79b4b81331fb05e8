namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Lets a waiting campaign continue as soon as something it waits for happened (its episodes finished,
/// a training request changed) instead of at its next poll. Waiting still ends after the timeout, so a lost
/// notification costs one poll interval, never progress.</summary>
public interface ICampaignWakeup
{
    Task WaitAsync(string campaignId, TimeSpan timeout, CancellationToken cancellationToken);
}
