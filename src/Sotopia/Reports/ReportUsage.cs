using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Where a report's token and cost figures come from. Today the campaign record carries no usage
/// totals, so everything is <see cref="UsageTotals.Unknown"/> and reports show "—"; when
/// <see cref="CampaignRecord"/>, <see cref="RoundResult"/> or <see cref="PolicyEvaluationResult"/> gain usage
/// fields, map them here and every table (HTML, Markdown, CSV) picks them up.</summary>
public static class ReportUsage
{
    public static UsageTotals ForCampaign(CampaignRecord campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return UsageTotals.Unknown;
    }

    public static UsageTotals ForRound(CampaignRecord campaign, RoundResult round)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(round);
        return UsageTotals.Unknown;
    }

    /// <summary>Usage of a policy's evaluation episodes; <paramref name="evaluation"/> is null when the record
    /// has no stored result for it (for example while the evaluation is still running).</summary>
    public static UsageTotals ForEvaluation(CampaignRecord campaign, PolicyEvaluationResult? evaluation)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return UsageTotals.Unknown;
    }
}
