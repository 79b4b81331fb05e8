using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Tests.Reports;

/// <summary>The report's charts are ScottPlot SVG images whose data marks are the shapes ScottPlot drew, each
/// told apart by <c>data-*</c> attributes and a tooltip.</summary>
public sealed class ReportChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");

    private static SeatBinding Policy(int version) => new(AgentRoles.Policy, "pi", version, $"sim-policy@v{version}");

    private static EpisodeRecord Episode(string id, int round, string phase, SeatBinding seat0, int[] scored, int goal0, int goal1) => new()
    {
        Id = id,
        CampaignId = "c",
        Round = round,
        Phase = phase,
        TaskId = "t-" + id,
        ScenarioId = "s1",
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [seat0, phase == "eval" ? Partner : seat0],
        ScoredSeats = [.. scored],
        Seed = 1,
        Status = EpisodeStatus.Completed,
        Outcome = EvaluationOutcome.Success(new EpisodeEvaluation(
            new([.. new[] { 7, 0, 0, 0, 0, 0, goal0 }.Select(v => new DimensionScore(v, ""))]),
            new([.. new[] { 7, 0, 0, 0, 0, 0, goal1 }.Select(v => new DimensionScore(v, ""))]), "judge")),
    };

    /// <summary>BC (GOAL 8 and 10), then evaluation: base (v0) GOAL 2 and 4, bc (v1) 5 and 7, the expert 9 and 9.</summary>
    private static CampaignReportData Report(bool withEvaluation = true)
    {
        var campaign = new CampaignRecord
        {
            Id = "c",
            Spec = new CampaignSpec { Name = "charts", Mode = CampaignMode.Bc, EvaluationSet = "eval", PolicyName = "pi" },
            Status = CampaignStatus.Completed,
            Rounds = [new RoundResult { Round = 0, Phase = "bc", Scenarios = 1, Episodes = 1, FilteredTrajectories = 1, FilteredGoal = 10, TrainingRequestId = "r", ProducedVersion = 1 }],
        };
        List<EpisodeRecord> episodes = [Episode("bc", 0, "bc", Expert, [0, 1], 8, 10)];
        if (withEvaluation)
        {
            episodes.AddRange(
            [
                Episode("v0a", 1, "eval", Policy(0), [0], 2, 5), Episode("v0b", 1, "eval", Policy(0), [0], 4, 5),
                Episode("v1a", 1, "eval", Policy(1), [0], 5, 5), Episode("v1b", 1, "eval", Policy(1), [0], 7, 5),
                Episode("exa", 1, "eval", Expert, [0], 9, 5), Episode("exb", 1, "eval", Expert, [0], 9, 5),
            ]);
        }
        return CampaignReportBuilder.Build(campaign, episodes, ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("eval", ["s1"]));
    }

    private static XElement Chart(CampaignReportData report, string name) => XElement.Parse(ReportCharts.Render(report, name)!);

    [Fact]
    public void TheLearningCurveMarksEachPolicysMeanWhereItIsDrawn()
    {
        var chart = Chart(Report(), ReportCharts.LearningCurveGoal);
        Assert.Equal(("chart-learning-curve-goal", "learning-curve-goal", "goal"), ((string?)chart.Attribute("id"), (string?)chart.Attribute("data-chart"), (string?)chart.Attribute("data-metric")));
        Assert.Equal("0 0 560 340", (string?)chart.Attribute("viewBox"));
        Assert.Equal("GOAL per policy (0..10)", chart.Element(Svg + "title")!.Value);
        var points = chart.Descendants(Svg + "ellipse").Where(e => (string?)e.Attribute("class") == "point").ToList();
        Assert.Equal(["base", "bc", "expert"], points.Select(p => (string)p.Attribute("data-policy")!));
        Assert.Equal(["3", "6", "9"], points.Select(p => (string)p.Attribute("data-mean")!));
        Assert.All(points, p => Assert.Equal(("all", "2"), ((string?)p.Attribute("data-series"), (string?)p.Attribute("data-n"))));
        Assert.Equal("base (v0) · all · GOAL: 3.00 ± 12.71 (n = 2)", points[0].Element(Svg + "title")!.Value);
        // Equal steps in GOAL are equal steps on the page, upwards: the marks are the drawn markers.
        var y = points.Select(p => double.Parse((string)p.Attribute("cy")!, CultureInfo.InvariantCulture)).ToList();
        Assert.True(y[0] > y[1] && y[1] > y[2], string.Join(", ", y));
        Assert.Equal(y[0] - y[1], y[1] - y[2], 2);
        // The trained versions are filled and joined; the expert is a hollow reference.
        Assert.Equal(["#2563EB", "#2563EB", "none"], points.Select(p => (string)p.Attribute("fill")!));
    }

    [Fact]
    public void RoundsBarsAndHistogramsMarkWhatTheyDraw()
    {
        var report = Report();
        var rounds = Chart(report, ReportCharts.Rounds).Descendants(Svg + "ellipse").Where(e => (string?)e.Attribute("class") == "point").ToList();
        Assert.Equal([("played (both seats)", "9"), ("kept by the filter", "10")], rounds.Select(p => ((string)p.Attribute("data-series")!, (string)p.Attribute("data-mean")!)));

        var bar = Assert.Single(Chart(report, ReportCharts.FilteredShare).Descendants(Svg + "rect"), r => (string?)r.Attribute("class") == "bar");
        Assert.Equal(("bc", "0.5"), ((string?)bar.Attribute("data-round"), (string?)bar.Attribute("data-value")));

        var bins = Chart(report, ReportCharts.Histograms).Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bin").ToList();
        Assert.Equal(report.Histograms.Sum(h => h.Counts.Length), bins.Count);
        var goal = bins.Where(b => (string?)b.Attribute("data-group") == "bc" && (string?)b.Attribute("data-dimension") == "goal").ToList();
        Assert.Equal("0,0,0,0,0,0,0,0,1,0,1", string.Join(",", goal.Select(b => (string)b.Attribute("data-count")!)));
        // A bin of 1 is drawn taller than a bin of 0, which is a flat line.
        Assert.Equal(0, double.Parse((string)goal[0].Attribute("height")!, CultureInfo.InvariantCulture));
        Assert.True(double.Parse((string)goal[8].Attribute("height")!, CultureInfo.InvariantCulture) > 10);
        Assert.Equal("bc · GOAL = 8: 1 (50.0%); mean 9.00, n = 2", goal[8].Element(Svg + "title")!.Value);
    }

    [Fact]
    public void EveryChartHasItsOwnIdsSoSeveralFitInOnePage()
    {
        var report = Report();
        var charts = ReportCharts.Names.Select(name => Chart(report, name)).ToList();
        var ids = charts.SelectMany(c => c.DescendantsAndSelf()).Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var chart in charts)
        {
            var own = chart.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var references = chart.Descendants().Select(e => (string?)e.Attribute("clip-path")).OfType<string>().ToList();
            Assert.All(references, r => Assert.Contains(r["url(#".Length..^1], own));
            Assert.All(own, id => Assert.StartsWith((string)chart.Attribute("id")! + "-", id, StringComparison.Ordinal));
        }
        Assert.DoesNotContain("<?xml", ReportCharts.Render(report, ReportCharts.Histograms)!, StringComparison.Ordinal);
    }

    [Fact]
    public void AChartWithNothingToDrawSaysSoAndAnUnknownNameHasNoChart()
    {
        var chart = Chart(Report(withEvaluation: false), ReportCharts.LearningCurveGoal);
        Assert.DoesNotContain(chart.Descendants(Svg + "ellipse"), e => (string?)e.Attribute("class") == "point");
        Assert.Contains(chart.Descendants(Svg + "text"), t => t.Value.Trim() == "no evaluated policy yet");
        Assert.Null(ReportCharts.Render(Report(), "pie"));
    }
}
