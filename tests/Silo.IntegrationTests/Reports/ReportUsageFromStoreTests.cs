using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Storage;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>A report of a model campaign reads every turn's usage from the store: its totals are
/// <c>CampaignUsageCalculator</c>'s, split per round and per evaluated policy.</summary>
public sealed class ReportUsageFromStoreTests : IAsyncLifetime
{
    private const string Id = "usage-campaign";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "gpt-4o-mini");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "gpt-4o");
    private static readonly CampaignBudget Budget = new()
    {
        Prices = ImmutableDictionary<string, ModelPrice>.Empty
            .Add("gpt-4o", new ModelPrice { InputPerMillion = 2.5m, CachedInputPerMillion = 1.25m, OutputPerMillion = 10m })
            .Add("gpt-4o-mini", new ModelPrice { InputPerMillion = 0.15m, CachedInputPerMillion = 0.075m, OutputPerMillion = 0.6m }),
    };

    private readonly TempDirectory _folder = new("sotopia-report-usage");
    private SqliteSotopiaStore _store = null!;
    private CampaignRecord _campaign = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteSotopiaStore.OpenAsync(_folder.Combine("sotopia.db"));
        // The campaign records no dataset version, so it reads version 1, as campaigns stored before versions do.
        await _store.ImportDatasetAsync(SotopiaDataset.Empty, "test: empty");
        _campaign = new CampaignRecord
        {
            Id = Id,
            Spec = new CampaignSpec { Name = "usage", Mode = CampaignMode.Bc, Backend = "llm", EvaluationSet = "eval", Budget = Budget },
            Status = CampaignStatus.Completed,
            Rounds = [new RoundResult { Round = 0, Phase = "bc", Scenarios = 1, Episodes = 1 }],
            Evaluations = [new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() }],
        };
        await _store.SaveCampaignAsync(_campaign);
        await _store.CreateEpisodesAsync(
        [
            Episode("bc-1", 0, "bc", [0, 1]),
            Episode("ev-1", 1, "eval", [0]),
            Episode("ev-2", 1, "eval", [0]),
        ]);
        foreach (var id in new[] { "bc-1", "ev-1", "ev-2" })
        {
            var begun = (await _store.BeginEpisodeAsync(id))!;
            var (episode, episodeLease) = (begun.Episode, begun.Fence!);
            // Two turns (expert, partner) and a judgement per episode, each with its model's usage.
            await _store.AppendTurnAsync(episodeLease, new Turn(episode.Id, 0, 0, AgentAction.Speak("hello"), null, new CallUsage("gpt-4o", 1_000, 100, 200, TimeSpan.FromSeconds(1))));
            await _store.AppendTurnAsync(episodeLease, new Turn(episode.Id, 1, 1, AgentAction.Leave, null, new CallUsage("gpt-4o-mini", 2_000, 50, 0, TimeSpan.FromSeconds(1))));
            var evaluation = new EpisodeEvaluation(Seat(7), Seat(5), "gpt-4o");
            await _store.CompleteEpisodeAsync(episodeLease, new EpisodeCompletion(
                EpisodeStatus.Completed, TerminationReason.Agent2Left,
                EvaluationOutcome.Success(evaluation, new CallUsage("gpt-4o", 3_000, 400, 0, TimeSpan.FromSeconds(2))), null, DateTimeOffset.UnixEpoch));
        }
    }

    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 0, 0, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    private static EpisodeRecord Episode(string id, int round, string phase, int[] scored) => new()
    {
        Id = id,
        CampaignId = Id,
        Round = round,
        Phase = phase,
        TaskId = "t-" + id,
        ScenarioId = "s1",
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [Expert, Partner],
        ScoredSeats = [.. scored],
        Seed = 1,
    };

    [Fact]
    public async Task TheReportsTokensAndCostAreTheCalculatorsSplitPerRoundAndPolicy()
    {
        var report = await ReportSource.LoadAsync(_store, _campaign, null, CancellationToken.None);
        var expected = await CampaignUsageCalculator.ComputeAsync(_store, Id, Budget);
        // Per episode: gpt-4o 800 fresh × 2.5 + 200 cached × 1.25 + 100 × 10 = 0.00325; mini 2000 × 0.15 + 50 × 0.6
        // = 0.00033; judge 3000 × 2.5 + 400 × 10 = 0.0115 → 0.01508 per episode, 3 episodes.
        Assert.Equal(0.04524m, expected.CostUsd);
        Assert.Equal((expected.PromptTokens, expected.CompletionTokens, expected.CostUsd), (report.Usage.PromptTokens!.Value, report.Usage.CompletionTokens!.Value, report.Usage.CostUsd!.Value));
        Assert.Equal((6_000L, 550L, 0.01508m), (report.Rounds.Single().Usage.PromptTokens!.Value, report.Rounds.Single().Usage.CompletionTokens!.Value, report.Rounds.Single().Usage.CostUsd!.Value));
        var expert = report.Scores.Single(s => s.Set == ReportSets.All);
        Assert.Equal((13_100L, 0.03016m), (expert.Usage.TotalTokens!.Value, expert.Usage.CostUsd!.Value));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }
}
