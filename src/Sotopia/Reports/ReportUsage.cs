using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Maps model usage into a report's <see cref="UsageTotals"/>: the calls stored on the episodes' turns and
/// judgements, summed and priced by <see cref="CampaignUsageCalculator"/> with the campaign's price table. A simulator
/// campaign calls no model and is known to cost nothing (<see cref="UsageTotals.Simulator"/>: 0 tokens, $0.00, with
/// that reason) without reading its turns; for any other campaign the figures need the turns' usage, and are "—"
/// where it was not loaded.</summary>
public static class ReportUsage
{
    public const string SimulatorBackend = "simulator";

    /// <summary>What the campaign record alone tells: zero for a simulator campaign, else unknown (the turns hold
    /// the usage; see <see cref="Of"/>).</summary>
    public static UsageTotals ForCampaign(CampaignRecord campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return IsSimulator(campaign) ? UsageTotals.Simulator : UsageTotals.Unknown;
    }

    public static bool IsSimulator(CampaignRecord campaign) =>
        string.Equals(campaign.Spec.Backend, SimulatorBackend, StringComparison.Ordinal);

    /// <summary>The usage of <paramref name="calls"/> priced with <paramref name="budget"/>'s table. The cost is null
    /// (unknown) when a model without a price used tokens; a model without a price that used none costs nothing.</summary>
    public static UsageTotals Of(IEnumerable<CallUsage> calls, CampaignBudget budget) =>
        Of(CampaignUsageCalculator.Summarize(calls, budget));

    /// <summary>The usage of per-episode, per-model totals (<see cref="EpisodeReportRow.Usage"/>), priced with
    /// <paramref name="budget"/>'s table.</summary>
    public static UsageTotals Of(IEnumerable<ModelCalls> totals, CampaignBudget budget) =>
        Of(CampaignUsageCalculator.Summarize(totals, budget));

    /// <summary>The totals of a campaign's usage as <see cref="CampaignUsageCalculator"/> summed it: the cost is null
    /// (unknown) when a model without a price used tokens.</summary>
    public static UsageTotals Of(CampaignUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var unpriced = usage.ByModel.Where(m => m.CostUsd is null && m.TotalTokens > 0).ToList();
        return new UsageTotals(
            usage.PromptTokens,
            usage.CompletionTokens,
            unpriced.Count == 0 ? usage.CostUsd : null,
            unpriced.Count == 0 ? null : "no price for " + string.Join(", ", unpriced.Select(m => $"{(m.Model.Length == 0 ? "(unnamed model)" : m.Model)} ({m.TotalTokens:N0} tokens)")));
    }
}
