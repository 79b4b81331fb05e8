using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Reads what a report needs from the store — the campaign, all its episodes (paged), the dataset's
/// named sets — and builds the report.</summary>
internal static class ReportSource
{
    private const int PageSize = 5_000;

    public static async Task<CampaignReportData> LoadAsync(ISotopiaStore store, CampaignRecord campaign, HumanRatingImport? human, CancellationToken cancellationToken)
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
        var dataset = await store.LoadDatasetAsync(cancellationToken);
        return CampaignReportBuilder.Build(campaign, episodes, dataset.NamedSets, human);
    }
}
