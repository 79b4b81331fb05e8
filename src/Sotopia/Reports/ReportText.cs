using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Wording shared by the HTML and Markdown reports.</summary>
internal static class ReportText
{
    public const string ResultsNote =
        "Each policy against the partner, own seat only (the policy plays each task from both seats). Mean ± 95% CI (Student's t) over judged seats; n = judged episodes.";

    public const string PairedNote =
        "Δ = second − first, over the (task, seat) evaluation episodes both policies were judged on; 95% CI of the paired difference (Student's t, n − 1 degrees of freedom).";

    public const string HumanNote =
        "Judge versus human ratings on the evaluated seats humans rated (several annotators of a seat are averaged first); gap = judge − human, paired per seat, 95% CI.";

    public static string Mode(CampaignSpec spec) => spec.Mode switch
    {
        CampaignMode.Bc => "BC",
        CampaignMode.Sr => $"SR ({spec.SrRounds} round(s))",
        CampaignMode.BcSr => $"BC + SR ({spec.SrRounds} SR round(s))",
        CampaignMode.Eval => "evaluation only",
        _ => spec.Mode.ToString(),
    };

    public static string Filter(FilterOptions filter)
    {
        var keep = filter.TopFraction is { } f ? $"top {ReportFormat.Percent(f)}" : $"best {filter.TopK}";
        var text = $"{(filter.Invert ? "worst (inverted)" : keep)} per scenario and seat by (GOAL, overall)";
        return filter.MinGoal is { } min ? $"{text}, GOAL ≥ {ReportFormat.F(min)}" : text;
    }

    public static string Episodes(EpisodeCounts counts) =>
        $"{counts.Total} ({counts.Completed} judged, {counts.EvaluationFailed} evaluation failed, {counts.Failed} failed, {counts.Cancelled} cancelled, {counts.Pending + counts.Running} unfinished)";

    public static string SetTitle(ReportSet set) => set.Name == ReportSets.All
        ? $"All: {set.Description} ({set.Scenarios} scenarios)"
        : $"Hard: {set.Description} ({set.Scenarios} scenarios)";

    /// <summary>"bc (v1) · all: n/a — all 100 episodes failed: endpoint refused".</summary>
    public static string Unscored(PolicySetScores row) =>
        $"{row.Policy.Display} · {row.Set}: {ReportFormat.NotAvailable} — {row.Unscored}";

    /// <summary>"bc+sr1: n/a — all 36 evaluations failed: …".</summary>
    public static string Unscored(RoundReport round) =>
        $"{round.Label}: {ReportFormat.NotAvailable} — {round.Unscored}";

    public static string Comparison(PairedComparison c) => $"{c.From.Display} → {c.To.Display}";

    public static string Tooltip(ReportPolicy policy, string set, Estimate estimate, string metric) =>
        $"{policy.Display} · {set} · {metric}: {ReportFormat.MeanCi(estimate)} (n = {estimate.N})";
}
