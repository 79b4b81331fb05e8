using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Output;

/// <summary>The results of a campaign as the paper shows them — GOAL and overall per policy against the
/// partner with 95% confidence intervals — plus the per-round training table; on the console and as
/// <c>summary.json</c>, <c>results.csv</c> and <c>results.md</c>. A policy with nothing scored (n = 0) is "n/a"
/// (null / an empty cell in the files), never 0.00 ± 0.00, with the reason its stored counts give
/// (<see cref="UnscoredReason.FromCounts"/>; <c>sotopia report</c> names the episodes' recorded failures).</summary>
internal static class CampaignReport
{
    private const string NotAvailable = "n/a";

    public static void Render(CampaignRecord campaign, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"Dataset version {campaign.DatasetVersionOrLegacy} (from '{campaign.Spec.Dataset}'; 'sotopia data list' shows it).");
        if (campaign.Rounds.Length > 0)
        {
            var rounds = new Table().Title($"[bold]Training rounds[/] ({campaign.Id})").Border(TableBorder.Rounded);
            foreach (var column in new[] { "round", "played by", "episodes", "judged", "GOAL", "overall", "kept", "kept GOAL", "examples", "produced" })
            {
                rounds.AddColumn(column);
            }
            var plan = CampaignPlan.Build(campaign.Spec);
            foreach (var r in campaign.Rounds)
            {
                rounds.AddRow(
                    Markup.Escape(CampaignPlan.LabelFor(campaign.Spec, plan[r.Round])),
                    r.PlayedVersion is { } v ? $"policy v{v}" : "expert",
                    r.Episodes.ToString(CultureInfo.InvariantCulture),
                    r.Completed.ToString(CultureInfo.InvariantCulture),
                    r.Scores is { } s ? Mean(s, s.Goal) : "-",
                    r.Scores is { } o ? Mean(o, o.Overall) : "-",
                    r.FilteredTrajectories.ToString(CultureInfo.InvariantCulture),
                    r.FilteredGoal is { } g ? F(g) : "-",
                    r.TrainingExamples.ToString(CultureInfo.InvariantCulture),
                    r.ProducedVersion is { } p ? $"v{p}" : "-");
            }
            console.Write(rounds);
        }
        if (campaign.Evaluations.Length > 0)
        {
            var table = new Table()
                .Title($"[bold]Evaluation vs partner[/] on '{Markup.Escape(campaign.Spec.EvaluationSet)}' (own seat only, 95% CI)")
                .Border(TableBorder.Rounded);
            table.AddColumn("policy");
            table.AddColumn(new TableColumn("GOAL").RightAligned());
            table.AddColumn(new TableColumn("overall").RightAligned());
            foreach (var info in OtherDimensions)
            {
                table.AddColumn(new TableColumn(info.Abbreviation).RightAligned());
            }
            table.AddColumn(new TableColumn("n").RightAligned());
            foreach (var e in campaign.Evaluations)
            {
                var cells = new List<string>
                {
                    Markup.Escape(Label(e)),
                    MeanCi(e.Scores.N, e.Scores.Goal, e.Scores.GoalCi95),
                    MeanCi(e.Scores.N, e.Scores.Overall, e.Scores.OverallCi95),
                };
                cells.AddRange(OtherDimensions.Select(d => Dimension(e, d.Dimension) is { } mean ? F(mean) : NotAvailable));
                cells.Add(e.Scores.N.ToString(CultureInfo.InvariantCulture));
                table.AddRow(cells.ToArray());
            }
            console.Write(table);
            foreach (var e in campaign.Evaluations.Where(e => e.Scores.N == 0))
            {
                console.MarkupLineInterpolated($"[yellow]{NotAvailable}[/] {Label(e)}: {UnscoredReason.FromCounts(e)}");
            }
        }
        if (campaign.Error is not null)
        {
            console.MarkupLine($"[red]Campaign failed:[/] {Markup.Escape(campaign.Error)}");
        }
    }

    public static IReadOnlyList<string> WriteFiles(CampaignRecord campaign, string folder)
    {
        Directory.CreateDirectory(folder);
        var summaryPath = Path.Combine(folder, "summary.json");
        File.WriteAllText(summaryPath, Summary(campaign).ToJsonString(SotopiaJson.Indented));
        var csvPath = Path.Combine(folder, "results.csv");
        File.WriteAllText(csvPath, Csv(campaign));
        var mdPath = Path.Combine(folder, "results.md");
        File.WriteAllText(mdPath, Markdown(campaign));
        return [summaryPath, csvPath, mdPath];
    }

    /// <summary>The campaign's spec, rounds and per-policy results; a policy with n = 0 has null scores and a
    /// <c>no_score_reason</c>.</summary>
    public static JsonObject Summary(CampaignRecord campaign)
    {
        var policies = new JsonArray();
        foreach (var e in campaign.Evaluations)
        {
            var scored = e.Scores.N > 0;
            var dims = new JsonObject();
            foreach (var info in DimensionInfo.All)
            {
                dims[info.Key] = Round(Dimension(e, info.Dimension));
            }
            policies.Add(new JsonObject
            {
                ["label"] = e.Label,
                ["role"] = e.Role,
                ["version"] = e.Version,
                ["episodes"] = e.Episodes,
                ["evaluation_failed"] = e.EvaluationFailed,
                ["n"] = e.Scores.N,
                ["goal"] = Round(scored ? e.Scores.Goal : null),
                ["goal_ci95"] = Round(scored ? e.Scores.GoalCi95 : null),
                ["overall"] = Round(scored ? e.Scores.Overall : null),
                ["overall_ci95"] = Round(scored ? e.Scores.OverallCi95 : null),
                ["dimensions"] = scored ? dims : null,
                ["no_score_reason"] = scored ? null : UnscoredReason.FromCounts(e),
            });
        }
        return new JsonObject
        {
            ["campaign_id"] = campaign.Id,
            ["status"] = campaign.Status.ToString().ToLowerInvariant(),
            ["error"] = campaign.Error,
            ["spec"] = JsonSerializer.SerializeToNode(campaign.Spec, SotopiaJson.Options),
            ["rounds"] = JsonSerializer.SerializeToNode(campaign.Rounds, SotopiaJson.Options),
            ["evaluation_set"] = campaign.Spec.EvaluationSet,
            ["policies"] = policies,
        };
    }

    /// <summary>One row per evaluated policy. The GOAL dimension is the <c>goal</c> column; the other six
    /// dimensions follow it by their keys (so no column name repeats). Scores of a policy with n = 0 are empty.</summary>
    private static string Csv(CampaignRecord campaign) => CsvTable.Write(campaign.Evaluations.Select(e => new
    {
        policy = e.Label,
        role = e.Role,
        version = e.Version,
        n = e.Scores.N,
        goal = e.Scores.N > 0 ? e.Scores.Goal : (double?)null,
        goal_ci95 = e.Scores.N > 0 ? e.Scores.GoalCi95 : (double?)null,
        overall = e.Scores.N > 0 ? e.Scores.Overall : (double?)null,
        overall_ci95 = e.Scores.N > 0 ? e.Scores.OverallCi95 : (double?)null,
        believability = Dimension(e, SotopiaDimension.Believability),
        relationship = Dimension(e, SotopiaDimension.Relationship),
        knowledge = Dimension(e, SotopiaDimension.Knowledge),
        secret = Dimension(e, SotopiaDimension.Secret),
        social_rules = Dimension(e, SotopiaDimension.SocialRules),
        financial_and_material_benefits = Dimension(e, SotopiaDimension.FinancialAndMaterialBenefits),
        no_score_reason = e.Scores.N > 0 ? null : UnscoredReason.FromCounts(e),
    }));

    private static string Markdown(CampaignRecord campaign)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Campaign {campaign.Id}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Mode `{campaign.Spec.Mode}`, backend `{campaign.Spec.Backend}`, dataset `{campaign.Spec.Dataset}` (version {campaign.DatasetVersionOrLegacy}), seed {campaign.Spec.Seed}, status **{campaign.Status}**.");
        sb.AppendLine();
        if (campaign.Evaluations.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Evaluation vs partner on `{campaign.Spec.EvaluationSet}` (own seat only, mean ± 95% CI)");
            sb.AppendLine();
            sb.Append("| policy | GOAL | overall |");
            foreach (var info in OtherDimensions)
            {
                sb.Append(' ').Append(info.Abbreviation).Append(" |");
            }
            sb.AppendLine(" n |");
            sb.Append("|---|---|---|");
            sb.Append(string.Concat(Enumerable.Repeat("---|", OtherDimensions.Count)));
            sb.AppendLine("---|");
            foreach (var e in campaign.Evaluations)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {Label(e)} | {MeanCi(e.Scores.N, e.Scores.Goal, e.Scores.GoalCi95)} | {MeanCi(e.Scores.N, e.Scores.Overall, e.Scores.OverallCi95)} |");
                foreach (var info in OtherDimensions)
                {
                    sb.Append(' ').Append(Dimension(e, info.Dimension) is { } mean ? F(mean) : NotAvailable).Append(" |");
                }
                sb.AppendLine(CultureInfo.InvariantCulture, $" {e.Scores.N} |");
            }
            sb.AppendLine();
            foreach (var e in campaign.Evaluations.Where(e => e.Scores.N == 0))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {Label(e)}: {NotAvailable} — {UnscoredReason.FromCounts(e)}");
            }
            if (campaign.Evaluations.Any(e => e.Scores.N == 0))
            {
                sb.AppendLine();
            }
        }
        if (campaign.Rounds.Length > 0)
        {
            sb.AppendLine("## Training rounds");
            sb.AppendLine();
            sb.AppendLine("| round | played by | episodes | judged | GOAL | overall | kept | kept GOAL | examples | produced |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            var plan = CampaignPlan.Build(campaign.Spec);
            foreach (var r in campaign.Rounds)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {CampaignPlan.LabelFor(campaign.Spec, plan[r.Round])} | {(r.PlayedVersion is { } v ? $"policy v{v}" : "expert")} | {r.Episodes} | {r.Completed} | {(r.Scores is { } s ? Mean(s, s.Goal) : "-")} | {(r.Scores is { } o ? Mean(o, o.Overall) : "-")} | {r.FilteredTrajectories} | {(r.FilteredGoal is { } g ? F(g) : "-")} | {r.TrainingExamples} | {(r.ProducedVersion is { } p ? $"v{p}" : "-")} |");
            }
        }
        return sb.ToString();
    }

    private static IReadOnlyList<DimensionInfo> OtherDimensions { get; } = [.. DimensionInfo.All.Where(d => d.Dimension != SotopiaDimension.Goal)];

    /// <summary>"bc (v1)", or just "v0" when the label already is the version (evaluation campaigns).</summary>
    private static string Label(PolicyEvaluationResult e) => e.Version is { } v && e.Label != $"v{v}" ? $"{e.Label} (v{v})" : e.Label;

    /// <summary>The dimension's mean, or null when nothing was scored.</summary>
    private static double? Dimension(PolicyEvaluationResult e, SotopiaDimension dimension) =>
        e.Scores.N == 0 || e.Scores.DimensionMeans.IsDefaultOrEmpty ? null : e.Scores.DimensionMeans[(int)dimension];

    private static string MeanCi(int n, double mean, double ci95) => n == 0 ? NotAvailable : $"{F(mean)} ± {F(ci95)}";

    private static string Mean(ScoreSummary scores, double mean) => scores.N == 0 ? NotAvailable : F(mean);

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}
