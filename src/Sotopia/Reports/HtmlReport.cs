using System.Globalization;
using System.Text;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The report as one self-contained HTML file: inline CSS, inline SVG charts (<see cref="ReportCharts"/>,
/// the same images the dashboard shows), no script and no external resource. The markup is also well-formed XML,
/// so tools (and tests) can parse it.</summary>
internal static class HtmlReport
{
    public static string Render(CampaignReportData report)
    {
        var c = report.Campaign;
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\">");
        sb.AppendLine("<head>");
        sb.AppendLine("<meta charset=\"utf-8\"/>");
        sb.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<title>SotopiaPi report: {Html.E(c.Spec.Name)} ({Html.E(c.Id)})</title>");
        sb.Append("<style>").Append(Css).AppendLine("</style>");
        sb.AppendLine("</head>");
        sb.AppendLine("<body>");
        sb.AppendLine("<main>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<header><h1>Campaign {Html.E(c.Id)}</h1><p class=\"sub\">{Html.E(c.Spec.Name)} · {Html.E(ReportText.Mode(c.Spec))} · dataset {Html.E(c.Spec.Dataset)} · status <b>{c.Status}</b></p></header>");
        sb.AppendLine("<nav id=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#results\">Results</a><a href=\"#learning-curve\">Learning curve</a><a href=\"#dimensions\">Dimensions</a><a href=\"#paired\">Paired comparisons</a><a href=\"#rounds\">Training rounds</a><a href=\"#distributions\">Distributions</a><a href=\"#human\">Human vs judge</a></nav>");
        Summary(sb, report);
        Results(sb, report);
        LearningCurve(sb, report);
        Dimensions(sb, report);
        Paired(sb, report);
        Rounds(sb, report);
        Distributions(sb, report);
        Human(sb, report);
        sb.AppendLine(CultureInfo.InvariantCulture, $"<footer>Written by <code>sotopia report</code> from the stored campaign and its {report.Episodes.Total} episodes. Self-contained: no scripts, no external resources.</footer>");
        sb.AppendLine("</main>");
        sb.AppendLine("</body>");
        sb.AppendLine("</html>");
        return sb.ToString();
    }

    private static void Summary(StringBuilder sb, CampaignReportData report)
    {
        var c = report.Campaign;
        var spec = c.Spec;
        var plan = CampaignPlan.Build(spec);
        var stage = c.Stage < plan.Length ? $"stage {c.Stage + 1}/{plan.Length} ({plan[c.Stage].Kind}, {c.Step})" : $"all {plan.Length} stages done";
        var rows = new List<(string Key, string Value)>
        {
            ("Campaign", $"{c.Id} ({spec.Name})"),
            ("Status", $"{c.Status}, {stage}"),
            ("Mode", ReportText.Mode(spec)),
            ("Dataset", $"{spec.Dataset} · backend {spec.Backend} · policy '{spec.PolicyName}' · seed {spec.Seed}"),
            ("Training rounds", spec.Mode == CampaignMode.Eval ? "none" : $"{spec.ScenariosPerRound} fresh scenarios × {spec.PairsPerScenario} character pairs per round; kept: {ReportText.Filter(spec.Filter)}"),
            ("Trainer", $"{spec.Trainer.Backend}, {spec.Trainer.Epochs} epochs, learning rate {spec.Trainer.LearningRate.ToString(CultureInfo.InvariantCulture)}"),
            ("Evaluation", spec.SkipEvaluation ? "skipped" : $"set '{spec.EvaluationSet}', {spec.EvaluationPairsPerScenario} pair(s) per scenario, each from both seats, against the partner"),
            ("Sets", string.Join("; ", report.Sets.Select(ReportText.SetTitle))),
            ("Episodes", ReportText.Episodes(report.Episodes)),
            ("Token use", ReportFormat.Tokens(report.Usage.TotalTokens) + (report.Usage.Note is { } note ? $" ({note})" : "")),
            ("Cost", ReportFormat.Cost(report.Usage.CostUsd)),
            ("Created", c.CreatedAt.ToString("u", CultureInfo.InvariantCulture)),
            ("Last update", c.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)),
        };
        sb.AppendLine("<section id=\"summary\"><h2>Summary</h2>");
        if (c.Error is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"error\">Campaign failed: {Html.E(c.Error)}</p>");
        }
        sb.AppendLine("<table class=\"kv\" id=\"summary-table\">");
        foreach (var (key, value) in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<tr><th>{Html.E(key)}</th><td>{Html.E(value)}</td></tr>");
        }
        sb.AppendLine("</table></section>");
    }

    private static void Results(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"results\"><h2>Results against the partner</h2>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">{Html.E(ReportText.ResultsNote)} Best per column in bold.</p>");
        if (report.Policies.IsEmpty)
        {
            sb.AppendLine("<p class=\"empty\">No evaluation episodes yet.</p></section>");
            return;
        }
        sb.AppendLine("<div class=\"scroll\"><table id=\"paper-table\"><thead>");
        sb.Append("<tr><th class=\"l\" rowspan=\"2\">policy</th>");
        foreach (var set in report.Sets)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<th colspan=\"3\" class=\"group\" title=\"{Html.E(ReportText.SetTitle(set))}\">{(set.Name == ReportSets.All ? "All" : "Hard")} ({set.Scenarios} scenarios)</th>");
        }
        sb.AppendLine("<th rowspan=\"2\">evaluation failed</th><th rowspan=\"2\">tokens</th><th rowspan=\"2\">cost</th></tr>");
        sb.Append("<tr>");
        foreach (var _ in report.Sets)
        {
            sb.Append("<th>GOAL</th><th>overall</th><th>n</th>");
        }
        sb.AppendLine("</tr></thead><tbody>");
        var best = report.Sets.ToDictionary(
            s => s.Name,
            s => (Goal: Best(report, s.Name, e => e.Scores.Goal.Mean), Overall: Best(report, s.Name, e => e.Scores.Overall.Mean)));
        foreach (var policy in report.Policies)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-policy=\"{Html.E(policy.Label)}\"><td class=\"l\">{Html.E(policy.Display)}</td>");
            PolicySetScores? all = null;
            foreach (var set in report.Sets)
            {
                var row = report.ScoresFor(policy, set.Name)!;
                all ??= row;
                var goalClass = row.Scores.N > 0 && row.Scores.Goal.Mean == best[set.Name].Goal ? " class=\"best\"" : "";
                var overallClass = row.Scores.N > 0 && row.Scores.Overall.Mean == best[set.Name].Overall ? " class=\"best\"" : "";
                var why = row.Unscored is { } reason ? $" title=\"{Html.E(reason)}\"" : "";
                sb.Append(CultureInfo.InvariantCulture,
                    $"<td data-set=\"{set.Name}\" data-metric=\"goal\"{goalClass}{why}>{ReportFormat.MeanCi(row.Scores.Goal)}</td><td data-set=\"{set.Name}\" data-metric=\"overall\"{overallClass}{why}>{ReportFormat.MeanCi(row.Scores.Overall)}</td><td>{row.Scores.N}</td>");
            }
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"<td>{all!.EvaluationFailed}</td><td>{ReportFormat.Tokens(all.Usage.TotalTokens)}</td><td>{ReportFormat.Cost(all.Usage.CostUsd)}</td></tr>");
        }
        sb.AppendLine("</tbody></table></div>");
        Unscored(sb, "unscored-results", report.Scores.Where(r => r.Unscored is not null).Select(ReportText.Unscored));
        sb.AppendLine("</section>");
    }

    /// <summary>Why each n/a above is n/a, one item per row with nothing scored.</summary>
    private static void Unscored(StringBuilder sb, string id, IEnumerable<string> lines)
    {
        var items = lines.ToList();
        if (items.Count == 0)
        {
            return;
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<ul class=\"unscored\" id=\"{id}\">");
        foreach (var item in items)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<li>{Html.E(item)}</li>");
        }
        sb.AppendLine("</ul>");
    }

    private static double Best(CampaignReportData report, string set, Func<PolicySetScores, double> value)
    {
        var rows = report.Scores.Where(s => s.Set == set && s.Scores.N > 0).ToList();
        return rows.Count == 0 ? double.NaN : rows.Max(value);
    }

    private static void LearningCurve(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"learning-curve\"><h2>Learning curve</h2>");
        if (report.Policies.IsEmpty)
        {
            sb.AppendLine("<p class=\"empty\">No evaluation episodes yet.</p></section>");
            return;
        }
        sb.AppendLine("<p class=\"note\">GOAL and overall of each policy version against the partner, with 95% CI error bars; trained versions are joined in order, the expert (hollow marker) is drawn as a dashed reference line.</p>");
        sb.AppendLine("<div class=\"charts\">");
        sb.AppendLine(ReportCharts.Render(report, ReportCharts.LearningCurveGoal));
        sb.AppendLine(ReportCharts.Render(report, ReportCharts.LearningCurveOverall));
        sb.AppendLine("</div></section>");
    }

    private static void Dimensions(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"dimensions\"><h2>Per-dimension scores</h2>");
        if (report.Policies.IsEmpty)
        {
            sb.AppendLine("<p class=\"empty\">No evaluation episodes yet.</p></section>");
            return;
        }
        sb.AppendLine("<p class=\"note\">Mean ± 95% CI of each SOTOPIA-Eval dimension on the policy's own seat. Ranges: " +
            Html.E(string.Join(", ", DimensionInfo.All.Select(d => $"{d.Abbreviation} {d.Min}..{d.Max}"))) + ".</p>");
        foreach (var set in report.Sets)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<h3>{Html.E(ReportText.SetTitle(set))}</h3>");
            sb.Append(CultureInfo.InvariantCulture, $"<div class=\"scroll\"><table id=\"dimensions-{set.Name}\" class=\"dimensions\"><thead><tr><th class=\"l\">policy</th>");
            foreach (var info in DimensionInfo.All)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<th title=\"{info.Key}\">{info.Abbreviation}</th>");
            }
            sb.AppendLine("<th>overall</th><th>n</th></tr></thead><tbody>");
            foreach (var policy in report.Policies)
            {
                var row = report.ScoresFor(policy, set.Name)!;
                sb.Append(CultureInfo.InvariantCulture, $"<tr data-policy=\"{Html.E(policy.Label)}\"><td class=\"l\">{Html.E(policy.Display)}</td>");
                foreach (var info in DimensionInfo.All)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"<td data-dimension=\"{info.Key}\">{ReportFormat.MeanCi(row.Scores[info.Dimension])}</td>");
                }
                sb.AppendLine(CultureInfo.InvariantCulture, $"<td>{ReportFormat.MeanCi(row.Scores.Overall)}</td><td>{row.Scores.N}</td></tr>");
            }
            sb.AppendLine("</tbody></table></div>");
        }
        sb.AppendLine("</section>");
    }

    private static void Paired(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"paired\"><h2>Paired comparisons between versions</h2>");
        if (report.Paired.IsEmpty)
        {
            sb.AppendLine("<p class=\"empty\">Fewer than two evaluated policies: nothing to compare.</p></section>");
            return;
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">{Html.E(ReportText.PairedNote)} Green/red: the interval lies above/below 0.</p>");
        sb.AppendLine("<div class=\"scroll\"><table id=\"paired-table\"><thead><tr><th class=\"l\">set</th><th class=\"l\">comparison</th><th class=\"l\">kind</th><th>n</th><th>Δ GOAL</th><th>Δ overall</th></tr></thead><tbody>");
        foreach (var p in report.Paired)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"<tr data-from=\"{Html.E(p.From.Label)}\" data-to=\"{Html.E(p.To.Label)}\" data-set=\"{p.Set}\"><td class=\"l\">{p.Set}</td><td class=\"l\">{Html.E(ReportText.Comparison(p))}</td><td class=\"l\">{Html.E(p.Kind)}</td><td>{p.N}</td><td{Significance(p.Goal)}>{ReportFormat.Difference(p.Goal)}</td><td{Significance(p.Overall)}>{ReportFormat.Difference(p.Overall)}</td></tr>");
        }
        sb.AppendLine("</tbody></table></div></section>");
    }

    private static string Significance(PairedDifference d) =>
        d.ExcludesZero ? (d.Mean > 0 ? " class=\"pos\"" : " class=\"neg\"") : "";

    private static void Rounds(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"rounds\"><h2>Training rounds</h2>");
        if (report.Rounds.IsEmpty)
        {
            sb.AppendLine("<p class=\"empty\">No training rounds in this campaign.</p></section>");
            return;
        }
        sb.AppendLine("<p class=\"note\">Scores over both seats of every judged episode of the round; kept = trajectories (episode, seat) the filter chose for training, as a share of the scored seats.</p>");
        sb.AppendLine("<div class=\"scroll\"><table id=\"rounds-table\"><thead><tr><th class=\"l\">round</th><th class=\"l\">played by</th><th>scenarios</th><th>episodes</th><th>judged</th><th title=\"evaluation failed / could not be played\">failed (judge / play)</th><th>GOAL</th><th>overall</th><th>kept</th><th>kept share</th><th>kept GOAL</th><th>examples</th><th>produced</th><th>tokens</th><th>cost</th></tr></thead><tbody>");
        foreach (var r in report.Rounds)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"<tr data-round=\"{r.Round}\"><td class=\"l\">{Html.E(r.Label)}</td><td class=\"l\">{Html.E(r.PlayedBy)}</td><td>{r.Scenarios}</td><td>{r.Episodes}</td><td>{r.Judged}</td><td>{r.EvaluationFailed} / {r.Failed}</td><td>{ReportFormat.MeanCi(r.Scores.Goal)}</td><td>{ReportFormat.MeanCi(r.Scores.Overall)}</td><td>{(r.Kept is { } k ? ReportFormat.Int(k) : ReportFormat.Missing)}</td><td>{ReportFormat.Percent(r.KeptShare)}</td><td>{ReportFormat.F(r.KeptGoal)}</td><td>{r.TrainingExamples}</td><td>{(r.ProducedVersion is { } v ? $"v{v}" : ReportFormat.Missing)}</td><td>{ReportFormat.Tokens(r.Usage.TotalTokens)}</td><td>{ReportFormat.Cost(r.Usage.CostUsd)}</td></tr>");
        }
        sb.AppendLine("</tbody></table></div>");
        Unscored(sb, "unscored-rounds", report.Rounds.Where(r => r.Unscored is not null).Select(ReportText.Unscored));
        sb.AppendLine("<div class=\"charts\">");
        sb.AppendLine(ReportCharts.Render(report, ReportCharts.Rounds));
        sb.AppendLine(ReportCharts.Render(report, ReportCharts.FilteredShare));
        sb.AppendLine("</div></section>");
    }

    private static void Distributions(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"distributions\"><h2>Score distributions</h2>");
        var groups = report.HistogramGroups.ToList();
        if (groups.Count == 0)
        {
            sb.AppendLine("<p class=\"empty\">No judged episodes yet.</p></section>");
            return;
        }
        sb.AppendLine("<p class=\"note\">How many scored seats got each integer score, per dimension: each training round (both seats), then each policy's evaluation seats. The red line marks the mean; hover a bar for its count and share.</p>");
        sb.AppendLine("<div class=\"scroll\">");
        sb.AppendLine(ReportCharts.Render(report, ReportCharts.Histograms));
        sb.AppendLine("</div></section>");
    }

    private static void Human(StringBuilder sb, CampaignReportData report)
    {
        sb.AppendLine("<section id=\"human\"><h2>Human ratings versus the judge</h2>");
        if (report.Human is not { } human)
        {
            sb.AppendLine("<p class=\"empty\">No human ratings were given. Add them with <code>sotopia report --human FILE</code> (CSV or JSONL; see docs/reports.md).</p></section>");
            return;
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">{Html.E(ReportText.HumanNote)} Source: <code>{Html.E(human.Source)}</code>, {human.Used} of {human.Ratings} ratings used.</p>");
        var goal = human.Gaps.Where(g => g.Metric == "goal").ToList();
        sb.AppendLine("<div class=\"scroll\"><table id=\"human-gap\"><thead><tr><th class=\"l\">policy</th><th>rated seats</th><th>ratings</th><th>annotators</th><th>judge GOAL</th><th>human GOAL</th><th>gap (judge − human)</th></tr></thead><tbody>");
        foreach (var g in goal)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"<tr data-policy=\"{Html.E(g.Policy.Label)}\"><td class=\"l\">{Html.E(g.Policy.Display)}</td><td>{g.N}</td><td>{g.Ratings}</td><td>{g.Annotators}</td><td>{ReportFormat.F(g.JudgeMean)}</td><td>{ReportFormat.F(g.HumanMean)}</td><td>{ReportFormat.Difference(g.Gap)}</td></tr>");
        }
        if (goal.Count == 0)
        {
            sb.AppendLine("<tr><td class=\"l\" colspan=\"7\">No rating has a GOAL score.</td></tr>");
        }
        sb.AppendLine("</tbody></table></div>");
        var others = human.Gaps.Where(g => g.Metric != "goal").ToList();
        if (others.Count > 0)
        {
            var metrics = others.Select(g => (g.Metric, g.Label)).Distinct().ToList();
            sb.AppendLine("<h3>Other rated metrics: gap (judge − human) ± 95% CI</h3>");
            sb.Append("<div class=\"scroll\"><table id=\"human-dimensions\"><thead><tr><th class=\"l\">policy</th>");
            foreach (var (_, label) in metrics)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<th>{Html.E(label)}</th>");
            }
            sb.AppendLine("</tr></thead><tbody>");
            foreach (var policy in others.Select(g => g.Policy).Distinct())
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr data-policy=\"{Html.E(policy.Label)}\"><td class=\"l\">{Html.E(policy.Display)}</td>");
                foreach (var (metric, _) in metrics)
                {
                    var g = others.FirstOrDefault(x => x.Policy == policy && x.Metric == metric);
                    sb.Append(g is null
                        ? $"<td>{ReportFormat.Missing}</td>"
                        : $"<td data-metric=\"{Html.E(metric)}\" title=\"{Html.E($"judge {ReportFormat.F(g.JudgeMean)}, human {ReportFormat.F(g.HumanMean)}, {g.N} rated seats")}\">{ReportFormat.Difference(g.Gap)}</td>");
                }
                sb.AppendLine("</tr>");
            }
            sb.AppendLine("</tbody></table></div>");
        }
        if (!human.Notes.IsEmpty)
        {
            sb.AppendLine("<ul class=\"notes\">");
            foreach (var note in human.Notes)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"<li>{Html.E(note)}</li>");
            }
            sb.AppendLine("</ul>");
        }
        sb.AppendLine("</section>");
    }

    private const string Css = """
        :root { --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --accent: #2563eb; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f1f5f9; color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1240px; margin: 0 auto; padding: 20px 28px 40px; }
        header h1 { margin: 0 0 2px; font-size: 22px; }
        .sub { margin: 0; color: var(--muted); }
        nav { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 12px 0 4px; }
        nav a { color: var(--accent); text-decoration: none; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
        .scroll { overflow-x: auto; }
        h2 { margin: 0 0 6px; font-size: 17px; }
        h3 { margin: 14px 0 6px; font-size: 14px; }
        .note { margin: 2px 0 10px; color: var(--muted); }
        .empty { color: var(--muted); font-style: italic; }
        .error { color: #b91c1c; font-weight: 600; }
        .unscored { color: #92400e; margin: 6px 0 0; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
        th { background: #f8fafc; font-weight: 600; white-space: normal; vertical-align: bottom; }
        th.group { text-align: center; border-bottom: 1px solid #cbd5e1; }
        .l { text-align: left; }
        tbody tr:hover td { background: #f8fafc; }
        td.best { font-weight: 700; }
        td.pos { color: #15803d; font-weight: 600; }
        td.neg { color: #b91c1c; font-weight: 600; }
        table.kv th { background: none; color: var(--muted); font-weight: 500; text-align: left; vertical-align: top; }
        table.kv td { text-align: left; white-space: normal; }
        table.dist td { padding: 2px 4px; }
        .range { color: var(--muted); font-weight: 400; font-size: 11px; }
        .charts { display: flex; flex-wrap: wrap; gap: 12px 24px; margin-top: 10px; }
        svg.chart { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
        code { font-size: 12px; background: #f1f5f9; padding: 1px 4px; border-radius: 3px; }
        footer { color: var(--muted); font-size: 12px; margin-top: 8px; }
        """;
}
