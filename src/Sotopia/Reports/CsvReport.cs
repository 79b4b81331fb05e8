using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The report's tables as CSV files (<see cref="CsvTable"/>: header row, invariant culture, four
/// decimals, empty cell when a value is unknown). Each row's property names are the file's columns.</summary>
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
            (PaperTable, CsvTable.Write(report.Scores.Select(s => new
            {
                policy = s.Policy.Label,
                set = s.Set,
                n = s.Scores.N,
                goal = Mean(s.Scores.Goal),
                goal_ci95 = Ci(s.Scores.Goal),
                overall = Mean(s.Scores.Overall),
                overall_ci95 = Ci(s.Scores.Overall),
                episodes = s.Episodes,
                evaluation_failed = s.EvaluationFailed,
                tokens = s.Usage.TotalTokens,
                cost_usd = s.Usage.CostUsd,
                no_score_reason = s.Unscored,
            }))),
            (Dimensions, CsvTable.Write(report.Scores.SelectMany(s => DimensionInfo.All.Select(d => new
            {
                policy = s.Policy.Label,
                set = s.Set,
                dimension = d.Key,
                n = s.Scores.N,
                mean = Mean(s.Scores[d.Dimension]),
                ci95 = Ci(s.Scores[d.Dimension]),
            })))),
            (Rounds, CsvTable.Write(report.Rounds.Select(r => new
            {
                round = r.Round,
                label = r.Label,
                phase = r.Phase,
                played_by = r.PlayedBy,
                scenarios = r.Scenarios,
                episodes = r.Episodes,
                judged = r.Judged,
                evaluation_failed = r.EvaluationFailed,
                failed = r.Failed,
                scored_seats = r.Scores.N,
                goal = Mean(r.Scores.Goal),
                goal_ci95 = Ci(r.Scores.Goal),
                overall = Mean(r.Scores.Overall),
                overall_ci95 = Ci(r.Scores.Overall),
                kept = r.Kept,
                kept_share = r.KeptShare,
                kept_goal = r.KeptGoal,
                training_examples = r.TrainingExamples,
                produced_version = r.ProducedVersion,
                tokens = r.Usage.TotalTokens,
                cost_usd = r.Usage.CostUsd,
                no_score_reason = r.Unscored,
            }))),
            (Paired, CsvTable.Write(report.Paired.Select(p => new
            {
                from = p.From.Label,
                to = p.To.Label,
                kind = p.Kind,
                set = p.Set,
                n = p.N,
                goal_diff = p.N == 0 ? (double?)null : p.Goal.Mean,
                goal_diff_ci95 = p.Goal.Ci95,
                overall_diff = p.N == 0 ? (double?)null : p.Overall.Mean,
                overall_diff_ci95 = p.Overall.Ci95,
            }))),
        };
        if (report.Human is { } human)
        {
            files.Add((HumanGap, CsvTable.Write(human.Gaps.Select(g => new
            {
                policy = g.Policy.Label,
                metric = g.Metric,
                n = g.N,
                ratings = g.Ratings,
                annotators = g.Annotators,
                judge = g.JudgeMean,
                human = g.HumanMean,
                gap = g.Gap.Mean,
                gap_ci95 = g.Gap.Ci95,
            }))));
        }
        return files;
    }

    private static double? Mean(Estimate estimate) => estimate.HasValue ? estimate.Mean : null;

    private static double? Ci(Estimate estimate) => estimate.HasValue ? estimate.Ci95 : null;
}
