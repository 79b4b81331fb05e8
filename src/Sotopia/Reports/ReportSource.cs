using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Reads what a report needs from the store — the campaign, all its episodes (paged), the dataset's
/// named sets and, unless the campaign ran on the simulator (which calls no model), the usage of every turn — and
/// builds the report.</summary>
internal static class ReportSource
{
    private const int PageSize = 5_000;

    /// <param name="withUsage">False when only scores are needed (charts): the turns are not read and tokens and
    /// cost stay unknown for campaigns that called models.</param>
    public static async Task<CampaignReportData> LoadAsync(
        ISotopiaStore store, CampaignRecord campaign, HumanRatingImport? human, CancellationToken cancellationToken, bool withUsage = true)
    {
        var episodes = new List<EpisodeRecord>();
        while (true)
        {
            var page = await store.ListEpisodesAsync(
                new EpisodeQuery { CampaignId = campaign.Id, Offset = episodes.Count, Limit = PageSize }, cancellationToken);
            episodes.AddRange(page);
            if (page.Count < PageSize)
            {
                break;
            }
        }
        var dataset = await store.LoadDatasetAsync(campaign.DatasetVersionOrLegacy, cancellationToken);
        Dictionary<string, ImmutableArray<CallUsage>>? turnUsage = null;
        if (withUsage && !ReportUsage.IsSimulator(campaign))
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
