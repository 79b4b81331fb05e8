using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Reads what a report needs from the store — the campaign, all its episodes (read in keyset pages by the store), the dataset's
/// named sets and, unless the campaign ran on the simulator (which calls no model), the usage of every turn — and
/// builds the report.</summary>
internal static class ReportSource
{
    public static async Task<CampaignReportData> LoadAsync(
        ISotopiaStore store, CampaignRecord campaign, HumanRatingImport? human, CancellationToken cancellationToken)
    {
        // No limit: the store reads every episode in keyset pages (an offset per page would rescan the skipped rows).
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaign.Id }, cancellationToken);
        var dataset = await store.LoadDatasetAsync(campaign.DatasetVersionOrLegacy, cancellationToken);
        Dictionary<string, ImmutableArray<CallUsage>>? turnUsage = null;
        if (!ReportUsage.IsSimulator(campaign))
        {
            turnUsage = new Dictionary<string, ImmutableArray<CallUsage>>(StringComparer.Ordinal);
            foreach (var episode in episodes.Where(e => e.Status != EpisodeStatus.Pending))
            {
                var turns = await store.GetTurnsAsync(episode.Id, cancellationToken);
                turnUsage[episode.Id] = [.. turns.Select(t => t.Usage).OfType<CallUsage>()];
            }
        }
        return CampaignReportBuilder.Build(campaign, episodes, dataset.NamedSets, human, turnUsage);
    }

}
