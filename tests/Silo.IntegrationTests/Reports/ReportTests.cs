using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary><c>sotopia report</c> on a real campaign played in-process: the HTML is well-formed and
/// self-contained with one chart point per policy, the CSVs agree with the campaign's own results and with
/// the stored episodes, and human ratings give the judge-vs-human gap.</summary>
public sealed partial class ReportTests(ReportCampaignFixture fixture) : IClassFixture<ReportCampaignFixture>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const int Sets = 2;
    private const int Rounds = 3;

    private CampaignRecord Campaign => fixture.Campaign;

    private int Policies => Campaign.Evaluations.Length;

    private async Task<(string Folder, IReadOnlyList<string> Files, List<EpisodeRecord> Episodes)> WriteReportAsync(string name, HumanRatingImport? human = null)
    {
        await using var store = await fixture.OpenStoreAsync();
        var report = await ReportSource.LoadAsync(store, Campaign, human, CancellationToken.None);
        var folder = Path.Combine(fixture.Root, name);
        var files = await ReportFiles.WriteAsync(report, folder, CancellationToken.None);
        var episodes = (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = Campaign.Id })).ToList();
        return (folder, files, episodes);
    }

    [Fact]
    public async Task TheHtmlIsWellFormedSelfContainedAndChartsOnePointPerPolicyAndSet()
    {
        var (folder, files, _) = await WriteReportAsync("html");
        Assert.Equal(
            ["report.html", "summary.md", "paper_table.csv", "dimensions.csv", "rounds.csv", "paired.csv"],
            files.Select(Path.GetFileName));
        var path = Path.Combine(folder, "report.html");
        var html = await File.ReadAllTextAsync(path);
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var doc = XDocument.Load(reader);
        var byId = doc.Descendants().Where(e => e.Attribute("id") is not null).ToDictionary(e => (string)e.Attribute("id")!);

        foreach (var id in new[]
        {
            "summary", "results", "paper-table", "learning-curve", "chart-learning-curve-goal", "chart-learning-curve-overall", "dimensions",
            "dimensions-all", "dimensions-hard", "paired", "paired-table", "rounds", "rounds-table", "chart-rounds", "chart-filtered-share",
            "distributions", "chart-histograms", "human",
        })
        {
            Assert.True(byId.ContainsKey(id), $"element #{id} is missing");
        }
        Assert.False(byId.ContainsKey("human-gap"), "no human ratings were given");

        // Nothing is fetched: no http(s) anywhere but the SVG namespace names, no script, stylesheet link, image or
        // external reference; the charts' clip paths refer to ids inside the page, each id once.
        Assert.DoesNotContain("http://", NamespaceDeclarations().Replace(html, ""), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object" or "image" or "use");
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Name.LocalName == "src");
        Assert.All(doc.Descendants().Attributes().Where(a => a.Name.LocalName == "href"), a => Assert.StartsWith("#", a.Value, StringComparison.Ordinal));
        Assert.All(UrlReferences().Matches(html), m => Assert.True(byId.ContainsKey(m.Groups[1].Value), $"{m.Value} refers to no element of the page"));
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);

        var labels = Campaign.Evaluations.Select(e => e.Label).ToList();
        Assert.Equal(labels, byId["paper-table"].Descendants("tbody").Single().Elements("tr").Select(tr => (string)tr.Attribute("data-policy")!));
        foreach (var (chart, metric) in new[] { ("chart-learning-curve-goal", "goal"), ("chart-learning-curve-overall", "overall") })
        {
            Assert.Equal(metric, (string?)byId[chart].Attribute("data-metric"));
            var points = byId[chart].Descendants(Svg + "ellipse").Where(c => (string?)c.Attribute("class") == "point").ToList();
            Assert.Equal(Policies * Sets, points.Count);
            foreach (var set in new[] { ReportSets.All, ReportSets.Hard })
            {
                var mine = points.Where(p => (string)p.Attribute("data-series")! == set).ToList();
                Assert.Equal(labels.Order(StringComparer.Ordinal), mine.Select(p => (string)p.Attribute("data-policy")!).Order(StringComparer.Ordinal));
                // Each annotated marker is where ScottPlot drew the mean: a higher mean is higher up (smaller y).
                foreach (var (low, high) in mine.SelectMany(a => mine.Select(b => (a, b))).Where(p => D(p.a, "data-mean") < D(p.b, "data-mean") - 1e-9))
                {
                    Assert.True(D(low, "cy") > D(high, "cy"), $"{chart}: {(string?)low.Attribute("data-policy")} is drawn above {(string?)high.Attribute("data-policy")}");
                }
            }
        }
        foreach (var e in Campaign.Evaluations)
        {
            var point = byId["chart-learning-curve-goal"].Descendants(Svg + "ellipse")
                .Single(c => (string?)c.Attribute("data-series") == ReportSets.All && (string?)c.Attribute("data-policy") == e.Label);
            Assert.Equal(e.Scores.Goal, D(point, "data-mean"), 4);
        }
        Assert.Equal(Rounds, byId["chart-filtered-share"].Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar"));
        var bins = byId["chart-histograms"].Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bin").ToList();
        Assert.Equal((Rounds + Policies) * DimensionInfo.Count, bins.Select(b => ((string?)b.Attribute("data-group"), (string?)b.Attribute("data-dimension"))).Distinct().Count());
        var bcGoal = bins.Where(b => (string)b.Attribute("data-group")! == "bc" && (string)b.Attribute("data-dimension")! == "goal").ToList();
        Assert.Equal(11, bcGoal.Count);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => i.ToString(CultureInfo.InvariantCulture)), bcGoal.Select(b => (string)b.Attribute("data-score")!));
        Assert.Equal(Campaign.Rounds[0].Scores!.N, bcGoal.Sum(b => int.Parse((string)b.Attribute("data-count")!, CultureInfo.InvariantCulture)));

        var markdown = await File.ReadAllTextAsync(Path.Combine(folder, "summary.md"));
        Assert.Contains("## Results against the partner", markdown, StringComparison.Ordinal);
        Assert.Contains("| GOAL (all) | overall (all) | n (all) | GOAL (hard) | overall (hard) | n (hard) |", markdown, StringComparison.Ordinal);
        foreach (var e in Campaign.Evaluations)
        {
            Assert.Contains($"| {(e.Version is { } v ? $"{e.Label} (v{v})" : e.Label)} | {e.Scores.Goal.ToString("0.00", CultureInfo.InvariantCulture)} ± {e.Scores.GoalCi95.ToString("0.00", CultureInfo.InvariantCulture)} |", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheCsvTablesAgreeWithTheCampaignResultsAndTheStoredEpisodes()
    {
        var (folder, _, episodes) = await WriteReportAsync("csv");

        var paper = ReadCsv(Path.Combine(folder, "paper_table.csv"));
        Assert.Equal(Policies * Sets, paper.Count);
        Assert.Equal(["policy", "set", "n", "goal", "goal_ci95", "overall", "overall_ci95", "episodes", "evaluation_failed", "tokens", "cost_usd", "no_score_reason"], paper[0].Keys);
        var evaluation = episodes.Where(e => e.Phase == "eval").ToList();
        var evaluatedSeats = evaluation.Select(e => (e.TaskId, e.ScoredSeats[0])).Distinct().Count();
        var hardSeats = evaluation.Where(e => fixture.HardScenarios.Contains(e.ScenarioId)).Select(e => (e.TaskId, e.ScoredSeats[0])).Distinct().Count();
        Assert.Equal(2 * (ReportCampaignFixture.HardInMixed + ReportCampaignFixture.OthersInMixed), evaluatedSeats);
        Assert.Equal(2 * ReportCampaignFixture.HardInMixed, hardSeats);
        foreach (var e in Campaign.Evaluations)
        {
            var all = paper.Single(r => r["policy"] == e.Label && r["set"] == ReportSets.All);
            Assert.Equal(e.Scores.N, int.Parse(all["n"], CultureInfo.InvariantCulture));
            Assert.Equal(e.Scores.Goal, D(all["goal"]), 4);
            Assert.Equal(e.Scores.GoalCi95, D(all["goal_ci95"]), 4);
            Assert.Equal(e.Scores.Overall, D(all["overall"]), 4);
            Assert.Equal(e.Scores.OverallCi95, D(all["overall_ci95"]), 4);
            // A simulator campaign calls no model: zero tokens at zero cost, not an unknown.
            Assert.Equal(("0", "0.0000"), (all["tokens"], all["cost_usd"]));
            // The hard row counts the policy's own judged seats on the hard scenarios, recounted here from the store:
            // every (task, seat) of the hard scenarios was played by the policy once, minus what the judge failed on.
            var hard = paper.Single(r => r["policy"] == e.Label && r["set"] == ReportSets.Hard);
            var playedHard = evaluation
                .Where(ep => fixture.HardScenarios.Contains(ep.ScenarioId))
                .Where(ep => ep.Seats[ep.ScoredSeats[0]] is var seat && seat.Role == e.Role && (e.Role != AgentRoles.Policy || seat.Version == e.Version))
                .ToList();
            Assert.Equal(hardSeats, playedHard.Count);
            var judgedHard = playedHard.Count(ep => ep.Status == EpisodeStatus.Completed && ep.Outcome is { Succeeded: true });
            Assert.Equal(judgedHard, int.Parse(hard["n"], CultureInfo.InvariantCulture));
            Assert.Equal(playedHard.Count(ep => ep.Status == EpisodeStatus.EvaluationFailed), int.Parse(hard["evaluation_failed"], CultureInfo.InvariantCulture));
        }

        var dimensions = ReadCsv(Path.Combine(folder, "dimensions.csv"));
        Assert.Equal(Policies * Sets * DimensionInfo.Count, dimensions.Count);
        foreach (var e in Campaign.Evaluations)
        {
            foreach (var info in DimensionInfo.All)
            {
                var row = dimensions.Single(r => r["policy"] == e.Label && r["set"] == ReportSets.All && r["dimension"] == info.Key);
                Assert.Equal(e.Scores.DimensionMeans[(int)info.Dimension], D(row["mean"]), 4);
            }
        }

        var rounds = ReadCsv(Path.Combine(folder, "rounds.csv"));
        Assert.Equal(["bc", "bc+sr1", "bc+sr2"], rounds.Select(r => r["label"]));
        for (var i = 0; i < Rounds; i++)
        {
            var stored = Campaign.Rounds[i];
            Assert.Equal(stored.FilteredTrajectories, int.Parse(rounds[i]["kept"], CultureInfo.InvariantCulture));
            Assert.Equal(stored.TrainingExamples, int.Parse(rounds[i]["training_examples"], CultureInfo.InvariantCulture));
            Assert.Equal(stored.Scores!.Goal, D(rounds[i]["goal"]), 4);
            Assert.Equal(stored.FilteredTrajectories / (double)stored.Scores.N, D(rounds[i]["kept_share"]), 4);
            Assert.Equal($"{stored.ProducedVersion}", rounds[i]["produced_version"]);
        }

        var paired = ReadCsv(Path.Combine(folder, "paired.csv"));
        // 4 versions: 3 consecutive pairs, 2 more against base, the last against the expert; for both sets.
        Assert.Equal((3 + 2 + 1) * Sets, paired.Count);
        Assert.Equal(["consecutive, vs base", "consecutive", "consecutive", "vs base", "vs base", "vs expert"],
            paired.Where(r => r["set"] == ReportSets.All).Select(r => r["kind"]));
        var first = paired.First(r => r["set"] == ReportSets.All);
        Assert.Equal(("base", "bc"), (first["from"], first["to"]));
        // Recompute base → bc by hand from the stored episodes.
        Dictionary<(string, int), int> Goals(int version) => evaluation
            .Where(e => e.Seats[e.ScoredSeats[0]] is { Role: AgentRoles.Policy } s && s.Version == version && e.Outcome is { Succeeded: true })
            .ToDictionary(e => (e.TaskId, e.ScoredSeats[0]), e => e.Outcome!.Evaluation!.ForSeat(e.ScoredSeats[0]).Goal);
        var before = Goals(0);
        var after = Goals(Campaign.Evaluations.Single(e => e.Label == "bc").Version!.Value);
        var differences = before.Keys.Where(after.ContainsKey).Select(k => (double)(after[k] - before[k])).ToList();
        Assert.Equal(differences.Count, int.Parse(first["n"], CultureInfo.InvariantCulture));
        Assert.Equal(differences.Average(), D(first["goal_diff"]), 4);
        var sd = Math.Sqrt(differences.Sum(d => (d - differences.Average()) * (d - differences.Average())) / (differences.Count - 1));
        Assert.Equal(ScoreStatisticsT(differences.Count - 1) * sd / Math.Sqrt(differences.Count), D(first["goal_diff_ci95"]), 4);
    }

    [Fact]
    public async Task HumanRatingsShowTheJudgeMinusHumanGapPerPolicy()
    {
        await using var store = await fixture.OpenStoreAsync();
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = Campaign.Id, Phase = "eval" });
        var bcVersion = Campaign.Evaluations.Single(e => e.Label == "bc").Version;
        var rated = episodes
            .Where(e => e.Seats[e.ScoredSeats[0]] is { Role: AgentRoles.Policy } s && s.Version == bcVersion)
            .Where(e => e.Outcome is { Succeeded: true } o && o.Evaluation.ForSeat(e.ScoredSeats[0]).Goal >= 1)
            .Take(2)
            .ToList();
        Assert.Equal(2, rated.Count);
        var csv = new StringBuilder("episode_id,seat,annotator,goal,comment\n");
        foreach (var e in rated)
        {
            var seat = e.ScoredSeats[0];
            // Humans are one point harsher than the judge on both seats.
            csv.Append(CultureInfo.InvariantCulture, $"{e.Id},{seat + 1},rater-a,{e.Outcome!.Evaluation!.ForSeat(seat).Goal - 1},\"hand-written, for the test\"\n");
        }
        csv.Append(CultureInfo.InvariantCulture, $"{rated[0].Id},{2 - rated[0].ScoredSeats[0]},rater-a,5,the partner's seat\n");
        var file = Path.Combine(fixture.Root, "ratings.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        var ratings = HumanRatingReader.Read(file);
        Assert.True(ratings.IsValid, string.Join("\n", ratings.Problems));

        var (folder, files, _) = await WriteReportAsync("human", ratings);
        Assert.Contains(Path.Combine(folder, "human_gap.csv"), files);
        var gap = Assert.Single(ReadCsv(Path.Combine(folder, "human_gap.csv")));
        Assert.Equal(("bc", "goal", "2", "2", "1"), (gap["policy"], gap["metric"], gap["n"], gap["ratings"], gap["annotators"]));
        Assert.Equal("1.0000", gap["gap"]);
        Assert.Equal("0.0000", gap["gap_ci95"]);
        var judge = rated.Average(e => (double)e.Outcome!.Evaluation!.ForSeat(e.ScoredSeats[0]).Goal);
        Assert.Equal(judge, D(gap["judge"]), 4);
        Assert.Equal(judge - 1, D(gap["human"]), 4);

        using var reader = XmlReader.Create(Path.Combine(folder, "report.html"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var doc = XDocument.Load(reader);
        var table = doc.Descendants("table").Single(t => (string?)t.Attribute("id") == "human-gap");
        var row = Assert.Single(table.Descendants("tbody").Single().Elements("tr"));
        Assert.Equal("bc", (string?)row.Attribute("data-policy"));
        Assert.Equal("+1.00 ± 0.00", row.Elements("td").Last().Value);
        Assert.Contains(doc.Descendants("li"), li => li.Value.StartsWith("1 rating(s) not used: rates the partner's seat", StringComparison.Ordinal));
        Assert.Contains("| bc (v1) | GOAL | 2 | 2 | 1 |", await File.ReadAllTextAsync(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);

        // A report written afterwards without ratings drops the stale gap file.
        await using (var again = await fixture.OpenStoreAsync())
        {
            var plain = await ReportSource.LoadAsync(again, Campaign, null, CancellationToken.None);
            await ReportFiles.WriteAsync(plain, folder, CancellationToken.None);
        }
        Assert.False(File.Exists(Path.Combine(folder, "human_gap.csv")));
    }

    [Fact]
    public async Task TheReportCommandWritesTheReportAndRejectsBadRatingsWithFileLineAndField()
    {
        var output = Path.Combine(fixture.Root, "cli");
        var (exit, text) = await RunAsync("--home", fixture.Home, "report", "--campaign", Campaign.Id, "--out", output);
        Assert.True(exit == 0, text);
        Assert.Contains(Path.Combine(output, "report.html"), text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "paired.csv")));

        var bad = Path.Combine(fixture.Root, "bad.csv");
        await File.WriteAllTextAsync(bad, "episode_id,seat,annotator,goal\nsome-episode,3,a,12\n");
        var (badExit, badText) = await RunAsync("--home", fixture.Home, "report", "--campaign", Campaign.Id, "--out", Path.Combine(fixture.Root, "bad"), "--human", bad);
        Assert.Equal(2, badExit);
        Assert.Contains($"{bad}:2: seat: '3' is not 1 or 2", badText, StringComparison.Ordinal);
        Assert.Contains($"{bad}:2: goal: 12 is outside the range 0..10", badText, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badText, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(fixture.Root, "bad")));

        var stranger = Path.Combine(fixture.Root, "stranger.jsonl");
        await File.WriteAllTextAsync(stranger, "{\"episode_id\": \"not-here\", \"seat\": 1, \"annotator\": \"a\", \"goal\": 3}\n");
        var (strangerExit, strangerText) = await RunAsync("--home", fixture.Home, "report", "--human", stranger);
        Assert.Equal(2, strangerExit);
        Assert.Contains("None of the 1 ratings", strangerText, StringComparison.Ordinal);
        Assert.Contains("not an episode of this campaign", strangerText, StringComparison.Ordinal);

        var (missingExit, missingText) = await RunAsync("--home", fixture.Home, "report", "--campaign", "no-such-campaign");
        Assert.Equal(2, missingExit);
        Assert.Contains("Campaign 'no-such-campaign' does not exist", missingText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportOfACampaignStillTrainingIsWellFormedAndSaysWhatIsMissing()
    {
        await using var store = await fixture.OpenStoreAsync();
        var training = (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = Campaign.Id }))
            .Where(e => e.Round <= 1 && e.Phase != "eval")
            .ToList();
        var running = Campaign with
        {
            Status = CampaignStatus.Running,
            Stage = 1,
            Step = "playing",
            Rounds = [Campaign.Rounds[0], Campaign.Rounds[1] with { Scores = null, FilteredTrajectories = 0, FilteredGoal = null, TrainingRequestId = null, ProducedVersion = null }],
            Evaluations = [],
        };
        var report = CampaignReportBuilder.Build(running, training, (await store.LoadDatasetAsync()).NamedSets);
        var folder = Path.Combine(fixture.Root, "running");
        await ReportFiles.WriteAsync(report, folder, CancellationToken.None);

        using var reader = XmlReader.Create(Path.Combine(folder, "report.html"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var doc = XDocument.Load(reader);
        var results = doc.Descendants("section").Single(s => (string?)s.Attribute("id") == "results");
        Assert.Equal("No evaluation episodes yet.", results.Elements("p").Last().Value);
        Assert.DoesNotContain(doc.Descendants(), e => (string?)e.Attribute("id") is "paper-table" or "chart-learning-curve-goal");
        var rows = doc.Descendants("table").Single(t => (string?)t.Attribute("id") == "rounds-table").Descendants("tbody").Single().Elements("tr").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("—", rows[1].Elements("td").ElementAt(8).Value); // kept: not filtered yet
        Assert.Equal(2 * DimensionInfo.Count, doc.Descendants(Svg + "rect")
            .Where(r => (string?)r.Attribute("class") == "bin")
            .Select(b => ((string?)b.Attribute("data-group"), (string?)b.Attribute("data-dimension"))).Distinct().Count());
        Assert.Empty(ReadCsv(Path.Combine(folder, "paper_table.csv")));
        Assert.Empty(ReadCsv(Path.Combine(folder, "paired.csv")));
        Assert.Contains("_No evaluation episodes yet._", await File.ReadAllTextAsync(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var process = SotopiaProcess.Start(args);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, process.Output);
    }

    private static double ScoreStatisticsT(int degreesOfFreedom) => Sotopia.Campaigns.ScoreStatistics.TCritical95(degreesOfFreedom);

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static double D(XElement element, string attribute) => D((string)element.Attribute(attribute)!);

    [GeneratedRegex("xmlns(:[a-z]+)?=\"http://www\\.w3\\.org/(2000/svg|1999/xlink)\"")]
    private static partial Regex NamespaceDeclarations();

    [GeneratedRegex("url\\(#([^)]*)\\)")]
    private static partial Regex UrlReferences();

    private static List<Dictionary<string, string>> ReadCsv(string path) => ReportCsv.Read(path);
}
