using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CsvHelper;
using CsvHelper.Configuration;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Tests.Reports;

/// <summary>A policy with nothing scored (n = 0) is "n/a" in the tables and Markdown, empty in CSV and null in
/// JSON — never 0.00 ± 0.00 — and the report says why, from the episodes' recorded failures.</summary>
public sealed class UnscoredReportTests
{
    private const string Id = "c-unscored";
    private const string Refused = "endpoint refused: POST http://127.0.0.1:9/v1/chat/completions: Connection refused";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");
    private static readonly ImmutableDictionary<string, ImmutableArray<string>> NamedSets =
        ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("eval", ["s1", "s2"]);

    private static SeatBinding Policy(int version) => new(AgentRoles.Policy, "pi", version, $"sim-policy@v{version}");

    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 0, 0, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    private static EpisodeRecord Episode(string id, SeatBinding who, string scenario, EpisodeStatus status, string? reason = null) => new()
    {
        Id = id,
        CampaignId = Id,
        Round = 0,
        Phase = "eval",
        TaskId = $"task-{scenario}",
        ScenarioId = scenario,
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [who, Partner],
        ScoredSeats = [0],
        Seed = 1,
        Status = status,
        FailureReason = status == EpisodeStatus.Failed ? reason : null,
        Outcome = status switch
        {
            EpisodeStatus.Completed => EvaluationOutcome.Success(new EpisodeEvaluation(Seat(6), Seat(5), "judge")),
            EpisodeStatus.EvaluationFailed => EvaluationOutcome.Failed(new EvaluationFailure(reason ?? "unparseable")),
            _ => null,
        },
    };

    private static CampaignReportData Report()
    {
        var campaign = new CampaignRecord
        {
            Id = Id,
            Spec = new CampaignSpec { Name = "t", Mode = CampaignMode.Eval, EvaluationSet = "eval", PolicyName = "pi" },
            Status = CampaignStatus.Completed,
            Evaluations =
            [
                new PolicyEvaluationResult { Label = "v0", Role = AgentRoles.Policy, Version = 0, Scores = new ScoreSummary() },
                new PolicyEvaluationResult { Label = "v1", Role = AgentRoles.Policy, Version = 1, Scores = new ScoreSummary() },
                new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() },
            ],
        };
        List<EpisodeRecord> episodes =
        [
            Episode("v0-1", Policy(0), "s1", EpisodeStatus.Completed),
            Episode("v0-2", Policy(0), "s2", EpisodeStatus.Completed),
            .. Enumerable.Range(1, 4).Select(i => Episode($"v1-{i}", Policy(1), i % 2 == 0 ? "s1" : "s2", EpisodeStatus.Failed, Refused + "\n   at Sotopia.Llm…")),
            .. Enumerable.Range(1, 3).Select(i => Episode($"ex-{i}", Expert, "s1", EpisodeStatus.EvaluationFailed, "the judge's answer is not JSON")),
        ];
        return CampaignReportBuilder.Build(campaign, episodes, NamedSets);
    }

    [Fact]
    public void TheReportRowSaysWhyNothingWasScored()
    {
        var report = Report();
        var rows = report.Scores.ToDictionary(s => s.Policy.Label);
        Assert.Null(rows["v0"].Unscored);
        Assert.Equal(2, rows["v0"].Scores.N);
        Assert.Equal((0, 4), (rows["v1"].Scores.N, rows["v1"].Episodes));
        Assert.Equal($"all 4 episodes failed: {Refused}", rows["v1"].Unscored);
        Assert.Equal("all 3 evaluations failed: the judge's answer is not JSON", rows["expert"].Unscored);
    }

    [Fact]
    public void TheHtmlTableShowsNotAvailableAndListsTheReason()
    {
        var doc = XDocument.Parse(HtmlReport.Render(Report()));
        Assert.All(doc.Descendants("tr").Where(tr => (string?)tr.Attribute("data-policy") is "v1" or "expert"),
            tr => Assert.DoesNotContain("±", tr.Value, StringComparison.Ordinal));
        var table = doc.Descendants("table").Single(t => (string?)t.Attribute("id") == "paper-table");
        var v1 = table.Descendants("tr").Single(tr => (string?)tr.Attribute("data-policy") == "v1");
        var goal = v1.Elements("td").Single(td => (string?)td.Attribute("data-metric") == "goal");
        Assert.Equal("n/a", goal.Value);
        Assert.Equal($"all 4 episodes failed: {Refused}", (string?)goal.Attribute("title"));
        var reasons = doc.Descendants("ul").Single(u => (string?)u.Attribute("id") == "unscored-results").Elements("li").Select(li => li.Value).ToList();
        Assert.Equal([$"v1 · all: n/a — all 4 episodes failed: {Refused}", "expert · all: n/a — all 3 evaluations failed: the judge's answer is not JSON"], reasons);
        var dimensions = doc.Descendants("table").Single(t => (string?)t.Attribute("id") == "dimensions-all");
        Assert.All(dimensions.Descendants("tr").Single(tr => (string?)tr.Attribute("data-policy") == "expert").Elements("td").Skip(1).SkipLast(1), td => Assert.Equal("n/a", td.Value));
    }

    [Fact]
    public void TheMarkdownTableShowsNotAvailableAndListsTheReason()
    {
        var markdown = MarkdownReport.Render(Report());
        Assert.All(markdown.Split('\n').Where(l => l.StartsWith("| v1 |", StringComparison.Ordinal) || l.StartsWith("| expert |", StringComparison.Ordinal)),
            line => Assert.DoesNotContain("±", line, StringComparison.Ordinal));
        Assert.Contains("| v1 | n/a | n/a | 0 | 0 | 0 | $0.00 |", markdown, StringComparison.Ordinal);
        Assert.Contains($"- v1 · all: n/a — all 4 episodes failed: {Refused}\n", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("- expert · all: n/a — all 3 evaluations failed: the judge's answer is not JSON", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCsvCellsAreEmptyAndTheReasonHasItsColumn()
    {
        var paper = CsvReport.Render(Report()).Single(f => f.Name == CsvReport.PaperTable).Content;
        using var parser = new CsvParser(new StringReader(paper), new CsvConfiguration(CultureInfo.InvariantCulture));
        Assert.True(parser.Read());
        var header = parser.Record!;
        Assert.Equal("no_score_reason", header[^1]);
        var rows = new List<Dictionary<string, string>>();
        while (parser.Read())
        {
            rows.Add(header.Zip(parser.Record!).ToDictionary(p => p.First, p => p.Second));
        }
        var v1 = rows.Single(r => r["policy"] == "v1");
        Assert.Equal(("0", "", "", "", "", $"all 4 episodes failed: {Refused}"), (v1["n"], v1["goal"], v1["goal_ci95"], v1["overall"], v1["overall_ci95"], v1["no_score_reason"]));
        var v0 = rows.Single(r => r["policy"] == "v0");
        Assert.Equal(("6.0000", ""), (v0["goal"], v0["no_score_reason"]));
    }

    [Fact]
    public void JsonHasNullScoresForNothingScored()
    {
        var row = Report().Scores.Single(s => s.Policy.Label == "v1");
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(row.Scores, SotopiaJson.Options));
        var goal = json.RootElement.GetProperty("goal");
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, 0), (goal.GetProperty("mean").ValueKind, goal.GetProperty("ci95").ValueKind, goal.GetProperty("n").GetInt32()));
        var scored = Report().Scores.Single(s => s.Policy.Label == "v0").Scores.Goal;
        Assert.Equal(scored, JsonSerializer.Deserialize<Estimate>(JsonSerializer.Serialize(scored)));
        Assert.Equal(Estimate.None, JsonSerializer.Deserialize<Estimate>("{\"mean\": null, \"ci95\": null, \"n\": 0}"));
    }

    [Fact]
    public void MixedOrUnfinishedEpisodesAreCountedByWhatHappened()
    {
        Assert.Equal("no episodes", UnscoredReason.Describe(Array.Empty<EpisodeRecord>()));
        Assert.Equal("not played yet: 2 pending, 1 running", UnscoredReason.Describe(
            [Episode("p1", Expert, "s1", EpisodeStatus.Pending), Episode("p2", Expert, "s1", EpisodeStatus.Pending), Episode("r", Expert, "s1", EpisodeStatus.Running)]));
        Assert.Equal("all 2 episodes were cancelled", UnscoredReason.Describe(
            [Episode("c1", Expert, "s1", EpisodeStatus.Cancelled), Episode("c2", Expert, "s1", EpisodeStatus.Cancelled)]));
        Assert.Equal("none of 6 episodes was scored: 3 failed (timed out (2), no reason recorded (1)), 1 evaluation failed (bad json), 2 unfinished", UnscoredReason.Describe(
        [
            Episode("f1", Expert, "s1", EpisodeStatus.Failed, "timed out"),
            Episode("f2", Expert, "s1", EpisodeStatus.Failed, "timed out"),
            Episode("f3", Expert, "s1", EpisodeStatus.Failed),
            Episode("j1", Expert, "s1", EpisodeStatus.EvaluationFailed, "bad json"),
            Episode("u1", Expert, "s1", EpisodeStatus.Pending),
            Episode("u2", Expert, "s1", EpisodeStatus.Running),
        ]));
        Assert.Equal("all 4 episodes failed: a (1), b (1) and 2 other reasons", UnscoredReason.Describe(
            [.. new[] { "a", "b", "c", "d" }.Select(r => Episode(r, Expert, "s1", EpisodeStatus.Failed, r))]));
    }

    [Fact]
    public void StoredCountsGiveAReasonWithoutTheEpisodes()
    {
        PolicyEvaluationResult Result(int episodes, int judgeFailed) =>
            new() { Label = "v1", Role = AgentRoles.Policy, Version = 1, Episodes = episodes, EvaluationFailed = judgeFailed, Scores = new ScoreSummary() };
        Assert.Equal("no evaluation episodes", UnscoredReason.FromCounts(Result(0, 0)));
        Assert.Equal("all 100 evaluations failed", UnscoredReason.FromCounts(Result(100, 100)));
        Assert.Equal("all 100 episodes failed or were cancelled", UnscoredReason.FromCounts(Result(100, 0)));
        Assert.Equal("none of 100 episodes was scored: 40 evaluations failed, 60 episodes failed or were cancelled", UnscoredReason.FromCounts(Result(100, 40)));
    }
}
