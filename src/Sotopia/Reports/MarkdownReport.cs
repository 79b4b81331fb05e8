using System.Globalization;
using System.Text;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The report's tables as Markdown (<c>summary.md</c>): the same numbers as the HTML, no charts.</summary>
internal static class MarkdownReport
{
    public static string Render(CampaignReportData report)
    {
        var c = report.Campaign;
        var spec = c.Spec;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Campaign {c.Id}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Cell(spec.Name)} · {ReportText.Mode(spec)} · dataset `{spec.Dataset}` · backend `{spec.Backend}` · seed {spec.Seed} · status **{c.Status}**");
        sb.AppendLine();
        if (c.Error is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"**Campaign failed:** {Cell(c.Error)}");
            sb.AppendLine();
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Episodes: {ReportText.Episodes(report.Episodes)}");
        foreach (var set in report.Sets)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {Cell(ReportText.SetTitle(set))}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Token use: {ReportFormat.Tokens(report.Usage.TotalTokens)}; cost: {ReportFormat.Cost(report.Usage.CostUsd)}{(report.Usage.Note is { } usageNote ? $" ({Cell(usageNote)})" : "")}");
        sb.AppendLine();

        sb.AppendLine("## Results against the partner");
        sb.AppendLine();
        sb.AppendLine(ReportText.ResultsNote);
        sb.AppendLine();
        if (report.Policies.IsEmpty)
        {
            sb.AppendLine("_No evaluation episodes yet._");
            sb.AppendLine();
        }
        else
        {
            var header = new List<string> { "policy" };
            foreach (var set in report.Sets)
            {
                var name = set.Name == ReportSets.All ? "all" : "hard";
                header.AddRange([$"GOAL ({name})", $"overall ({name})", $"n ({name})"]);
            }
            header.AddRange(["evaluation failed", "tokens", "cost"]);
            var rows = report.Policies.Select(p =>
            {
                var cells = new List<string> { Cell(p.Display) };
                foreach (var set in report.Sets)
                {
                    var row = report.ScoresFor(p, set.Name)!;
                    cells.AddRange([ReportFormat.MeanCi(row.Scores.Goal), ReportFormat.MeanCi(row.Scores.Overall), ReportFormat.Int(row.Scores.N)]);
                }
                var all = report.ScoresFor(p, ReportSets.All)!;
                cells.AddRange([ReportFormat.Int(all.EvaluationFailed), ReportFormat.Tokens(all.Usage.TotalTokens), ReportFormat.Cost(all.Usage.CostUsd)]);
                return cells;
            });
            Table(sb, header, rows);
            Unscored(sb, report.Scores.Where(r => r.Unscored is not null).Select(ReportText.Unscored));

            sb.AppendLine("## Per-dimension scores");
            sb.AppendLine();
            foreach (var set in report.Sets)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"### {Cell(ReportText.SetTitle(set))}");
                sb.AppendLine();
                Table(sb,
                    ["policy", .. DimensionInfo.All.Select(d => d.Abbreviation), "overall", "n"],
                    report.Policies.Select(p =>
                    {
                        var row = report.ScoresFor(p, set.Name)!;
                        return (IReadOnlyList<string>)[Cell(p.Display), .. DimensionInfo.All.Select(d => ReportFormat.MeanCi(row.Scores[d.Dimension])), ReportFormat.MeanCi(row.Scores.Overall), ReportFormat.Int(row.Scores.N)];
                    }));
            }
        }

        sb.AppendLine("## Paired comparisons between versions");
        sb.AppendLine();
        if (report.Paired.IsEmpty)
        {
            sb.AppendLine("_Fewer than two evaluated policies: nothing to compare._");
            sb.AppendLine();
        }
        else
        {
            sb.AppendLine(ReportText.PairedNote);
            sb.AppendLine();
            Table(sb, ["set", "comparison", "kind", "n", "Δ GOAL", "Δ overall"],
                report.Paired.Select(p => (IReadOnlyList<string>)[p.Set, Cell(ReportText.Comparison(p)), p.Kind, ReportFormat.Int(p.N), ReportFormat.Difference(p.Goal), ReportFormat.Difference(p.Overall)]),
                textColumns: 3);
        }

        sb.AppendLine("## Training rounds");
        sb.AppendLine();
        if (report.Rounds.IsEmpty)
        {
            sb.AppendLine("_No training rounds in this campaign._");
            sb.AppendLine();
        }
        else
        {
            Table(sb,
                ["round", "played by", "scenarios", "episodes", "judged", "evaluation failed", "failed", "GOAL", "overall", "kept", "kept share", "kept GOAL", "examples", "produced", "tokens", "cost"],
                report.Rounds.Select(r => (IReadOnlyList<string>)
                [
                    Cell(r.Label), r.PlayedBy, ReportFormat.Int(r.Scenarios), ReportFormat.Int(r.Episodes), ReportFormat.Int(r.Judged),
                    ReportFormat.Int(r.EvaluationFailed), ReportFormat.Int(r.Failed), ReportFormat.MeanCi(r.Scores.Goal), ReportFormat.MeanCi(r.Scores.Overall),
                    r.Kept is { } k ? ReportFormat.Int(k) : ReportFormat.Missing, ReportFormat.Percent(r.KeptShare), ReportFormat.F(r.KeptGoal),
                    ReportFormat.Int(r.TrainingExamples), r.ProducedVersion is { } v ? $"v{v}" : ReportFormat.Missing,
                    ReportFormat.Tokens(r.Usage.TotalTokens), ReportFormat.Cost(r.Usage.CostUsd),
                ]),
                textColumns: 2);
            Unscored(sb, report.Rounds.Where(r => r.Unscored is not null).Select(ReportText.Unscored));
        }

        sb.AppendLine("## Human ratings versus the judge");
        sb.AppendLine();
        if (report.Human is not { } human)
        {
            sb.AppendLine("_No human ratings were given (`sotopia report --human FILE`)._");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{ReportText.HumanNote} Source: `{human.Source}`, {human.Used} of {human.Ratings} ratings used.");
            sb.AppendLine();
            Table(sb, ["policy", "metric", "rated seats", "ratings", "annotators", "judge", "human", "gap (judge − human)"],
                human.Gaps.Select(g => (IReadOnlyList<string>)
                [
                    Cell(g.Policy.Display), g.Label, ReportFormat.Int(g.N), ReportFormat.Int(g.Ratings), ReportFormat.Int(g.Annotators),
                    ReportFormat.F(g.JudgeMean), ReportFormat.F(g.HumanMean), ReportFormat.Difference(g.Gap),
                ]),
                textColumns: 2);
            foreach (var note in human.Notes)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {Cell(note)}");
            }
        }
        return sb.ToString();
    }

    /// <summary>A pipe table; the first <paramref name="textColumns"/> columns are left-aligned, the numbers right.</summary>
    private static void Table(StringBuilder sb, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int textColumns = 1)
    {
        sb.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        sb.Append('|').AppendJoin("", header.Select((_, i) => i < textColumns ? "---|" : "---:|")).AppendLine();
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }
        sb.AppendLine();
    }

    /// <summary>Why each n/a in the table above is n/a.</summary>
    private static void Unscored(StringBuilder sb, IEnumerable<string> lines)
    {
        var any = false;
        foreach (var line in lines)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {Cell(line)}");
            any = true;
        }
        if (any)
        {
            sb.AppendLine();
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
