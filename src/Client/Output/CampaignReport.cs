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
/// <c>summary.json</c>, <c>results.csv</c> and <c>results.md</c>.</summary>
internal static class CampaignReport
{
    public static void Render(CampaignRecord campaign, IAnsiConsole console)
    {
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
                    r.Scores is { } s ? F(s.Goal) : "-",
                    r.Scores is { } o ? F(o.Overall) : "-",
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
            foreach (var info in DimensionInfo.All.Where(d => d.Dimension != SotopiaDimension.Goal))
            {
                table.AddColumn(new TableColumn(info.Abbreviation).RightAligned());
            }
            table.AddColumn(new TableColumn("n").RightAligned());
            foreach (var e in campaign.Evaluations)
            {
                var cells = new List<string>
                {
                    Markup.Escape(Label(e)),
                    $"{F(e.Scores.Goal)} ± {F(e.Scores.GoalCi95)}",
                    $"{F(e.Scores.Overall)} ± {F(e.Scores.OverallCi95)}",
                };
                cells.AddRange(e.Scores.DimensionMeans.Where((_, i) => i != (int)SotopiaDimension.Goal).Select(F));
                cells.Add(e.Scores.N.ToString(CultureInfo.InvariantCulture));
                table.AddRow(cells.ToArray());
            }
            console.Write(table);
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

    public static JsonObject Summary(CampaignRecord campaign)
    {
        var policies = new JsonArray();
        foreach (var e in campaign.Evaluations)
        {
            var dims = new JsonObject();
            for (var i = 0; i < DimensionInfo.Count; i++)
            {
                dims[DimensionInfo.All[i].Key] = Round(e.Scores.DimensionMeans.IsDefaultOrEmpty ? 0 : e.Scores.DimensionMeans[i]);
            }
            policies.Add(new JsonObject
            {
                ["label"] = e.Label,
                ["role"] = e.Role,
                ["version"] = e.Version,
                ["episodes"] = e.Episodes,
                ["evaluation_failed"] = e.EvaluationFailed,
                ["n"] = e.Scores.N,
                ["goal"] = Round(e.Scores.Goal),
                ["goal_ci95"] = Round(e.Scores.GoalCi95),
                ["overall"] = Round(e.Scores.Overall),
                ["overall_ci95"] = Round(e.Scores.OverallCi95),
                ["dimensions"] = dims,
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
    /// dimensions follow it by their keys (so no column name repeats).</summary>
    private static string Csv(CampaignRecord campaign) => CsvTable.Write(campaign.Evaluations.Select(e => new
    {
        policy = e.Label,
        role = e.Role,
        version = e.Version,
        n = e.Scores.N,
        goal = e.Scores.Goal,
        goal_ci95 = e.Scores.GoalCi95,
        overall = e.Scores.Overall,
        overall_ci95 = e.Scores.OverallCi95,
        believability = Dimension(e, SotopiaDimension.Believability),
        relationship = Dimension(e, SotopiaDimension.Relationship),
        knowledge = Dimension(e, SotopiaDimension.Knowledge),
        secret = Dimension(e, SotopiaDimension.Secret),
        social_rules = Dimension(e, SotopiaDimension.SocialRules),
        financial_and_material_benefits = Dimension(e, SotopiaDimension.FinancialAndMaterialBenefits),
    }));

    private static double? Dimension(PolicyEvaluationResult e, SotopiaDimension dimension) =>
        e.Scores.DimensionMeans.IsDefaultOrEmpty ? null : e.Scores.DimensionMeans[(int)dimension];

    private static string Markdown(CampaignRecord campaign)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Campaign {campaign.Id}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Mode `{campaign.Spec.Mode}`, backend `{campaign.Spec.Backend}`, dataset `{campaign.Spec.Dataset}`, seed {campaign.Spec.Seed}, status **{campaign.Status}**.");
        sb.AppendLine();
        if (campaign.Evaluations.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Evaluation vs partner on `{campaign.Spec.EvaluationSet}` (own seat only, mean ± 95% CI)");
            sb.AppendLine();
            sb.Append("| policy | GOAL | overall |");
            foreach (var info in DimensionInfo.All.Where(d => d.Dimension != SotopiaDimension.Goal))
            {
                sb.Append(' ').Append(info.Abbreviation).Append(" |");
            }
            sb.AppendLine(" n |");
            sb.Append("|---|---|---|");
            sb.Append(string.Concat(Enumerable.Repeat("---|", DimensionInfo.Count - 1)));
            sb.AppendLine("---|");
            foreach (var e in campaign.Evaluations)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {Label(e)} | {F(e.Scores.Goal)} ± {F(e.Scores.GoalCi95)} | {F(e.Scores.Overall)} ± {F(e.Scores.OverallCi95)} |");
                foreach (var mean in e.Scores.DimensionMeans.Where((_, i) => i != (int)SotopiaDimension.Goal))
                {
                    sb.Append(' ').Append(F(mean)).Append(" |");
                }
                sb.AppendLine(CultureInfo.InvariantCulture, $" {e.Scores.N} |");
            }
            sb.AppendLine();
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
                    $"| {CampaignPlan.LabelFor(campaign.Spec, plan[r.Round])} | {(r.PlayedVersion is { } v ? $"policy v{v}" : "expert")} | {r.Episodes} | {r.Completed} | {(r.Scores is { } s ? F(s.Goal) : "-")} | {(r.Scores is { } o ? F(o.Overall) : "-")} | {r.FilteredTrajectories} | {(r.FilteredGoal is { } g ? F(g) : "-")} | {r.TrainingExamples} | {(r.ProducedVersion is { } p ? $"v{p}" : "-")} |");
            }
        }
        return sb.ToString();
    }

    private static string Label(PolicyEvaluationResult e) => e.Version is { } v ? $"{e.Label} (v{v})" : e.Label;

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 3);
}
