using System.Collections.Concurrent;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Silo.Runtime;

/// <summary>One wake-up signal per campaign driven by this silo, set from store notifications.</summary>
public sealed class CampaignWakeup : ICampaignWakeup
{
    private readonly ConcurrentDictionary<string, WorkSignal> _signals = new(StringComparer.Ordinal);

    public async Task WaitAsync(string campaignId, TimeSpan timeout, CancellationToken cancellationToken) =>
        await _signals.GetOrAdd(campaignId, _ => new WorkSignal()).WaitAsync(timeout, cancellationToken);

    public void Wake(string campaignId)
    {
        if (_signals.TryGetValue(campaignId, out var signal))
        {
            signal.Set();
        }
    }

    public void WakeAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }
    }
}
