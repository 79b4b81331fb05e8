using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>The console's result files (<c>summary.json</c>, <c>results.csv</c>, <c>results.md</c>) written from a
/// campaign record.</summary>
public sealed class ConsoleResultsTests : IDisposable
{
    private readonly TempDirectory _folder = new("sotopia-results");

    private static CampaignRecord Campaign(params PolicyEvaluationResult[] evaluations) => new()
    {
        Id = "results-test",
        Spec = new CampaignSpec { Name = "results", Mode = CampaignMode.Eval },
        Status = CampaignStatus.Completed,
        Evaluations = [.. evaluations],
    };

    private static PolicyEvaluationResult Scored(string label, int? version) => new()
    {
        Label = label,
        Role = version is null ? AgentRoles.Expert : AgentRoles.Policy,
        Version = version,
        Episodes = 10,
        Scores = new ScoreSummary
        {
            N = 10,
            DimensionMeans = [7.5, 1.25, 3, -0.5, -0.25, 0.5, 6.125],
            Goal = 6.125,
            GoalCi95 = 0.75,
            Overall = 2.5179,
            OverallCi95 = 0.3,
        },
    };

    [Fact]
    public void ResultsCsvNamesEachColumnOnceWithGoalFromTheGoalDimension()
    {
        var files = CampaignReport.WriteFiles(Campaign(Scored("base", 0), Scored("expert", null)), _folder.Path);
        var csv = files.Single(f => Path.GetFileName(f) == "results.csv");
        Assert.Equal(
            ["policy", "role", "version", "n", "goal", "goal_ci95", "overall", "overall_ci95",
             "believability", "relationship", "knowledge", "secret", "social_rules", "financial_and_material_benefits", "no_score_reason"],
            ReportCsv.Header(csv));
        var rows = ReportCsv.Read(csv);
        Assert.Equal(["base", "expert"], rows.Select(r => r["policy"]));
        Assert.Equal(("0", "", "10"), (rows[0]["version"], rows[1]["version"], rows[0]["n"]));
        Assert.Equal(("6.1250", "0.7500", "7.5000", "-0.2500"), (rows[0]["goal"], rows[0]["goal_ci95"], rows[0]["believability"], rows[0]["social_rules"]));
        Assert.Equal(6.125, double.Parse(rows[1]["goal"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void APolicyWithNothingScoredIsNotAvailableWithItsReasonInTheTableCsvAndSummary()
    {
        var failed = new PolicyEvaluationResult
        {
            Label = "bc",
            Role = AgentRoles.Policy,
            Version = 1,
            Episodes = 100,
            EvaluationFailed = 100,
            Scores = new ScoreSummary { N = 0, DimensionMeans = [0, 0, 0, 0, 0, 0, 0] },
        };
        var campaign = Campaign(Scored("base", 0), failed);
        const string reason = "all 100 evaluations failed";

        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        CampaignReport.Render(campaign, console);
        var row = text.ToString().Split('\n').Single(l => l.Contains("bc (v1)", StringComparison.Ordinal) && l.Contains('│'));
        Assert.DoesNotContain("0.00", row, StringComparison.Ordinal);
        Assert.Equal(8, row.Split("n/a").Length - 1); // GOAL, overall and the six other dimensions
        Assert.Contains($"n/a bc (v1): {reason}", text.ToString(), StringComparison.Ordinal);

        var files = CampaignReport.WriteFiles(campaign, _folder.Path);
        var csv = ReportCsv.Read(files.Single(f => f.EndsWith("results.csv", StringComparison.Ordinal))).Single(r => r["policy"] == "bc");
        Assert.Equal(("0", "", "", "", "", "", reason), (csv["n"], csv["goal"], csv["goal_ci95"], csv["overall"], csv["overall_ci95"], csv["believability"], csv["no_score_reason"]));

        var summary = JsonNode.Parse(File.ReadAllText(files.Single(f => f.EndsWith("summary.json", StringComparison.Ordinal))))!;
        var policy = summary["policies"]!.AsArray().Single(p => (string?)p!["label"] == "bc")!;
        Assert.Equal(0, (int)policy["n"]!);
        foreach (var key in new[] { "goal", "goal_ci95", "overall", "overall_ci95", "dimensions" })
        {
            Assert.True(policy.AsObject().ContainsKey(key) && policy[key] is null, $"{key} should be null, not {policy[key]?.ToJsonString()}");
        }
        Assert.Equal(reason, (string?)policy["no_score_reason"]);
        Assert.Equal(6.125, (double)summary["policies"]![0]!["goal"]!);

        var markdown = File.ReadAllText(files.Single(f => f.EndsWith("results.md", StringComparison.Ordinal)));
        Assert.Contains("| bc (v1) | n/a | n/a |", markdown, StringComparison.Ordinal);
        Assert.Contains($"- bc (v1): n/a — {reason}", markdown, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
