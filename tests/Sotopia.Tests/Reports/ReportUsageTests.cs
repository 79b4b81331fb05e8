using System.Collections.Immutable;
using System.Xml.Linq;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Tests.Reports;

/// <summary>Tokens and cost in a report come from the turns' and judgements' usage, priced with the campaign's
/// price table (CampaignUsageCalculator), per campaign, per round and per evaluated policy.</summary>
public sealed class ReportUsageTests
{
    private const string Id = "c-usage";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "gpt-4o-mini");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "gpt-4o");
    private static readonly ImmutableDictionary<string, ImmutableArray<string>> NamedSets =
        ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("eval", ["s1"]);

    // $ per million tokens: gpt-4o 2.5 in / 1.25 cached / 10 out; gpt-4o-mini 0.15 / 0.075 / 0.6.
    private static readonly CampaignBudget Budget = new()
    {
        Prices = ImmutableDictionary<string, ModelPrice>.Empty
            .Add("gpt-4o", new ModelPrice { InputPerMillion = 2.5m, CachedInputPerMillion = 1.25m, OutputPerMillion = 10m })
            .Add("gpt-4o-mini", new ModelPrice { InputPerMillion = 0.15m, CachedInputPerMillion = 0.075m, OutputPerMillion = 0.6m }),
    };

    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 0, 0, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    private static EpisodeRecord Episode(string id, int round, string phase, SeatBinding seat0, int[] scored, CallUsage judge) => new()
    {
        Id = id,
        CampaignId = Id,
        Round = round,
        Phase = phase,
        TaskId = "t-" + id,
        ScenarioId = "s1",
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [seat0, Partner],
        ScoredSeats = [.. scored],
        Seed = 1,
        Status = EpisodeStatus.Completed,
        Outcome = EvaluationOutcome.Success(new EpisodeEvaluation(Seat(6), Seat(5), "gpt-4o"), judge),
    };

    private static CampaignRecord Campaign(string backend = "llm") => new()
    {
        Id = Id,
        Spec = new CampaignSpec { Name = "u", Mode = CampaignMode.Bc, Backend = backend, EvaluationSet = "eval", PolicyName = "pi", Budget = Budget },
        Status = CampaignStatus.Completed,
        Rounds = [new RoundResult { Round = 0, Phase = "bc", Scenarios = 1, Episodes = 1 }],
        Evaluations = [new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() }],
    };

    private static CallUsage Call(string model, int prompt, int completion, int cached = 0) => new(model, prompt, completion, cached, TimeSpan.FromMilliseconds(100));

    private static (List<EpisodeRecord> Episodes, Dictionary<string, ImmutableArray<CallUsage>> Turns) Played(string expertModel = "gpt-4o")
    {
        List<EpisodeRecord> episodes =
        [
            Episode("bc-1", 0, "bc", Expert, [0, 1], Call("gpt-4o", 2_000, 300)),
            Episode("ev-1", 1, "eval", Expert, [0], Call("gpt-4o", 1_000, 100)),
        ];
        var turns = new Dictionary<string, ImmutableArray<CallUsage>>(StringComparer.Ordinal)
        {
            ["bc-1"] = [Call(expertModel, 1_000_000, 10_000, cached: 400_000), Call("gpt-4o-mini", 100_000, 1_000)],
            ["ev-1"] = [Call(expertModel, 10_000, 1_000)],
        };
        return (episodes, turns);
    }

    [Fact]
    public void TokensAndCostArePricedPerRoundPolicyAndCampaign()
    {
        var (episodes, turns) = Played();
        var report = CampaignReportBuilder.Build(Campaign(), episodes, NamedSets, turnUsage: turns);

        // bc-1: gpt-4o 600k fresh × 2.5 + 400k cached × 1.25 + 10k out × 10 = 1.5 + 0.5 + 0.1; mini 100k × 0.15 + 1k × 0.6
        // = 0.0156; judge 2k × 2.5 + 300 × 10 = 0.008. ev-1: 10k × 2.5 + 1k × 10 = 0.035; judge 1k × 2.5 + 100 × 10 = 0.0035.
        var round = report.Rounds.Single();
        Assert.Equal((1_102_000L, 11_300L), (round.Usage.PromptTokens!.Value, round.Usage.CompletionTokens!.Value));
        Assert.Equal(2.1236m, round.Usage.CostUsd);
        var evaluation = report.Scores.Single(s => s.Set == ReportSets.All);
        Assert.Equal((11_000L, 1_100L, 0.0385m), (evaluation.Usage.PromptTokens!.Value, evaluation.Usage.CompletionTokens!.Value, evaluation.Usage.CostUsd!.Value));
        Assert.Equal((1_113_000L + 11_300L + 1_100L, 2.1621m), (report.Usage.TotalTokens!.Value, report.Usage.CostUsd!.Value));
        Assert.Null(report.Usage.Note);

        var html = XDocument.Parse(HtmlReport.Render(report));
        var summary = html.Descendants("table").Single(t => (string?)t.Attribute("id") == "summary-table");
        Assert.Contains(summary.Elements("tr"), tr => tr.Value == "Token use1,125,400");
        Assert.Contains(summary.Elements("tr"), tr => tr.Value == "Cost$2.16");
        var paper = CsvReport.Render(report).Single(f => f.Name == CsvReport.PaperTable).Content;
        Assert.Contains(",12100,0.0385,", paper, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnpricedModelThatUsedTokensMakesTheCostUnknownAndSaysWhy()
    {
        var (episodes, turns) = Played(expertModel: "my-local-model");
        var report = CampaignReportBuilder.Build(Campaign(), episodes, NamedSets, turnUsage: turns);
        Assert.Null(report.Usage.CostUsd);
        Assert.Equal(1_125_400L, report.Usage.TotalTokens);
        Assert.Equal("no price for my-local-model (1,021,000 tokens)", report.Usage.Note);
        Assert.Contains("- Token use: 1,125,400; cost: — (no price for my-local-model (1,021,000 tokens))", MarkdownReport.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheTurnsAModelCampaignIsUnknownAndASimulatorCampaignIsZero()
    {
        var (episodes, _) = Played();
        Assert.Equal(UsageTotals.Unknown, CampaignReportBuilder.Build(Campaign(), episodes, NamedSets).Usage);
        var simulator = CampaignReportBuilder.Build(Campaign("simulator"), episodes, NamedSets);
        Assert.Equal((0L, 0m, "simulator backend: no model calls"), (simulator.Usage.TotalTokens!.Value, simulator.Usage.CostUsd!.Value, simulator.Usage.Note));
        Assert.Contains("- Token use: 0; cost: $0.00 (simulator backend: no model calls)", MarkdownReport.Render(simulator), StringComparison.Ordinal);
        // Zero-token calls of a model without a price (the simulator's) cost nothing rather than something unknown.
        Assert.Equal(0m, ReportUsage.Of([CallUsage.Zero("sim-expert"), CallUsage.Zero("sim-partner")], Budget).CostUsd);
    }
}
