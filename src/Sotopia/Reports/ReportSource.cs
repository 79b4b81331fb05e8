using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Reads what a report needs from the store — the campaign, its episodes' report rows and the dataset's
/// named sets — and builds the report. The rows (<see cref="IEpisodeStore.ListEpisodeReportRowsAsync"/>) are the
/// narrow per-episode projection the stores write with each episode's creation, completion and cancellation: seats,
/// scores, the failure's first line and the usage summed per model. So a cold report of 100,000 episodes reads no
/// episode document (judge's reasoning, prompts) and no turn: it was 8.7 s (SQLite) / 15.5 s (PostgreSQL) when it
/// parsed every episode and, for a model campaign, read every episode's turns one query each (bench/README.md).</summary>
internal static class ReportSource
{
    public static async Task<CampaignReportData> LoadAsync(
        ISotopiaStore store, CampaignRecord campaign, HumanRatingImport? human, CancellationToken cancellationToken)
    {
        // No limit: the store reads every row in keyset pages (an offset per page would rescan the skipped rows).
        var episodes = await store.ListEpisodeReportRowsAsync(campaign.Id, cancellationToken);
        var dataset = await store.LoadDatasetAsync(campaign.DatasetVersionOrLegacy, cancellationToken);
        return CampaignReportBuilder.Build(campaign, episodes, dataset.NamedSets, human);
    }
}
