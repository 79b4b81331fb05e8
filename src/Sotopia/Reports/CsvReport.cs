using System.Globalization;
using System.Text;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The report's tables as CSV files (header row, invariant culture, four decimals, empty cell when a
/// value is unknown).</summary>
internal static class CsvReport
{
    public const string PaperTable = "paper_table.csv";
    public const string Dimensions = "dimensions.csv";
    public const string Rounds = "rounds.csv";
    public const string Paired = "paired.csv";
    public const string HumanGap = "human_gap.csv";

    /// <summary>File name → content; <see cref="HumanGap"/> only when human ratings were given.</summary>
    public static IReadOnlyList<(string Name, string Content)> Render(CampaignReportData report)
    {
        var files = new List<(string, string)>
        {
            (PaperTable, Write(
                ["policy", "set", "n", "goal", "goal_ci95", "overall", "overall_ci95", "episodes", "evaluation_failed", "tokens", "cost_usd"],
                report.Scores.Select(s => (IReadOnlyList<string>)
                [
                    s.Policy.Label, s.Set, I(s.Scores.N), C(s.Scores.Goal), C(s.Scores.Goal.Ci95, s.Scores.Goal),
                    C(s.Scores.Overall), C(s.Scores.Overall.Ci95, s.Scores.Overall), I(s.Episodes), I(s.EvaluationFailed),
                    ReportFormat.Csv(s.Usage.TotalTokens), ReportFormat.Csv(s.Usage.CostUsd),
                ]))),
            (Dimensions, Write(
                ["policy", "set", "dimension", "n", "mean", "ci95"],
                report.Scores.SelectMany(s => DimensionInfo.All.Select(d => (IReadOnlyList<string>)
                [
                    s.Policy.Label, s.Set, d.Key, I(s.Scores.N), C(s.Scores[d.Dimension]), C(s.Scores[d.Dimension].Ci95, s.Scores[d.Dimension]),
                ])))),
            (Rounds, Write(
                ["round", "label", "phase", "played_by", "scenarios", "episodes", "judged", "evaluation_failed", "failed", "scored_seats",
                 "goal", "goal_ci95", "overall", "overall_ci95", "kept", "kept_share", "kept_goal", "training_examples", "produced_version", "tokens", "cost_usd"],
                report.Rounds.Select(r => (IReadOnlyList<string>)
                [
                    I(r.Round), r.Label, r.Phase, r.PlayedBy, I(r.Scenarios), I(r.Episodes), I(r.Judged), I(r.EvaluationFailed), I(r.Failed), I(r.Scores.N),
                    C(r.Scores.Goal), C(r.Scores.Goal.Ci95, r.Scores.Goal), C(r.Scores.Overall), C(r.Scores.Overall.Ci95, r.Scores.Overall),
                    ReportFormat.Csv(r.Kept), ReportFormat.Csv(r.KeptShare), ReportFormat.Csv(r.KeptGoal), I(r.TrainingExamples),
                    ReportFormat.Csv(r.ProducedVersion), ReportFormat.Csv(r.Usage.TotalTokens), ReportFormat.Csv(r.Usage.CostUsd),
                ]))),
            (Paired, Write(
                ["from", "to", "kind", "set", "n", "goal_diff", "goal_diff_ci95", "overall_diff", "overall_diff_ci95"],
                report.Paired.Select(p => (IReadOnlyList<string>)
                [
                    p.From.Label, p.To.Label, p.Kind, p.Set, I(p.N),
                    p.N == 0 ? "" : ReportFormat.Csv(p.Goal.Mean), ReportFormat.Csv(p.Goal.Ci95),
                    p.N == 0 ? "" : ReportFormat.Csv(p.Overall.Mean), ReportFormat.Csv(p.Overall.Ci95),
                ]))),
        };
        if (report.Human is { } human)
        {
            files.Add((HumanGap, Write(
                ["policy", "metric", "n", "ratings", "annotators", "judge", "human", "gap", "gap_ci95"],
                human.Gaps.Select(g => (IReadOnlyList<string>)
                [
                    g.Policy.Label, g.Metric, I(g.N), I(g.Ratings), I(g.Annotators),
                    ReportFormat.Csv(g.JudgeMean), ReportFormat.Csv(g.HumanMean), ReportFormat.Csv(g.Gap.Mean), ReportFormat.Csv(g.Gap.Ci95),
                ]))));
        }
        return files;
    }

    private static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', header).Append('\n');
        foreach (var row in rows)
        {
            sb.AppendJoin(',', row.Select(ReportFormat.CsvText)).Append('\n');
        }
        return sb.ToString();
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string C(Estimate estimate) => estimate.HasValue ? ReportFormat.Csv(estimate.Mean) : "";

    private static string C(double ci, Estimate estimate) => estimate.HasValue ? ReportFormat.Csv(ci) : "";
}
