using System.Globalization;
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
             "believability", "relationship", "knowledge", "secret", "social_rules", "financial_and_material_benefits"],
            ReportCsv.Header(csv));
        var rows = ReportCsv.Read(csv);
        Assert.Equal(["base", "expert"], rows.Select(r => r["policy"]));
        Assert.Equal(("0", "", "10"), (rows[0]["version"], rows[1]["version"], rows[0]["n"]));
        Assert.Equal(("6.1250", "0.7500", "7.5000", "-0.2500"), (rows[0]["goal"], rows[0]["goal_ci95"], rows[0]["believability"], rows[0]["social_rules"]));
        Assert.Equal(6.125, double.Parse(rows[1]["goal"], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _folder.Dispose();
}
