using System.Collections.Concurrent;
using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>Finds the span an episode's span is a child of: the round span of its campaign's current stage (stored
/// on the campaign by whichever silo drives it), or the campaign's own trace context. One store read per campaign
/// round per silo, and none at all while nobody listens to SotopiaPi's spans.</summary>
public sealed class EpisodeTraceContexts(ICampaignStore campaigns)
{
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string CampaignId, int Round), ActivityContext> _contexts = new();

    public async ValueTask<ActivityContext> GetParentAsync(EpisodeRecord episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (!SotopiaActivities.Source.HasListeners())
        {
            return default;
        }
        var key = (episode.CampaignId, episode.Round);
        if (_contexts.TryGetValue(key, out var known))
        {
            return known;
        }
        var campaign = await campaigns.GetCampaignAsync(episode.CampaignId, cancellationToken);
        var context = campaign is null
            ? default
            : SotopiaActivities.ParseTraceParent(campaign.Stage == episode.Round && campaign.StageTraceParent is not null
                ? campaign.StageTraceParent
                : campaign.TraceParent);
        if (_contexts.Count >= MaxEntries)
        {
            _contexts.Clear();
        }
        _contexts[key] = context;
        return context;
    }
}
