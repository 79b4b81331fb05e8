using System.Collections.Immutable;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Storage;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>A report read from the store's report rows (<see cref="ReportSource"/>) is the report built from the full
/// episode records and every turn's usage, on a model campaign with scored, failed, evaluation-failed, pending and
/// running episodes and paired comparisons — and it reads no episode record and no turn.</summary>
public abstract class ReportFromRowsTests : IAsyncLifetime
{
    private const string Id = "rows-campaign";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "gpt-4o-mini");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "gpt-4o");
    private static readonly SeatBinding PolicyV1 = new(AgentRoles.Policy, "sotopia-pi", 1, "pi-v1");
    private static readonly CampaignBudget Budget = new()
    {
        Prices = ImmutableDictionary<string, ModelPrice>.Empty
            .Add("gpt-4o", new ModelPrice { InputPerMillion = 2.5m, CachedInputPerMillion = 1.25m, OutputPerMillion = 10m })
            .Add("gpt-4o-mini", new ModelPrice { InputPerMillion = 0.15m, CachedInputPerMillion = 0.075m, OutputPerMillion = 0.6m }),
    };

    private ISotopiaStore _store = null!;
    private CampaignRecord _campaign = null!;

    protected abstract Task<ISotopiaStore> OpenStoreAsync();

    public async Task InitializeAsync()
    {
        _store = await OpenStoreAsync();
        await _store.ImportDatasetAsync(SotopiaDataset.Empty with { NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("eval", ["s1", "s2"]).Add("hard", ["s2"]) }, "test");
        _campaign = new CampaignRecord
        {
            Id = Id,
            Spec = new CampaignSpec { Name = "rows", Mode = CampaignMode.Bc, Backend = "llm", EvaluationSet = "eval", Budget = Budget },
            Status = CampaignStatus.Running,
            Rounds = [new RoundResult { Round = 0, Phase = "bc", Scenarios = 2, Episodes = 4, ProducedVersion = 1 }],
            Evaluations = [new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() }],
        };
        await _store.SaveCampaignAsync(_campaign);
        var created = DateTimeOffset.UnixEpoch;
        var episodes = new (string Id, int Round, string Phase, string Scenario, SeatBinding Seat0, int[] Scored)[]
        {
            ("bc-1", 0, "bc", "s1", Expert, [0, 1]),
            ("bc-2", 0, "bc", "s2", Expert, [0, 1]),
            ("bc-3", 0, "bc", "s1", Expert, [0, 1]),
            ("bc-4", 0, "bc", "s2", Expert, [0, 1]),
            ("ev-e1", 1, "eval", "s1", Expert, [0]),
            ("ev-e2", 1, "eval", "s2", Expert, [0]),
            ("ev-p1", 1, "eval", "s1", PolicyV1, [0]),
            ("ev-p2", 1, "eval", "s2", PolicyV1, [0]),
            ("ev-p3", 1, "eval", "s2", PolicyV1, [0]),
            ("ev-p4", 1, "eval", "s1", PolicyV1, [0]),
        };
        await _store.CreateEpisodesAsync([.. episodes.Select((e, i) => new EpisodeRecord
        {
            Id = e.Id,
            CampaignId = Id,
            Round = e.Round,
            Phase = e.Phase,
            TaskId = "t-" + e.Scenario,
            ScenarioId = e.Scenario,
            Agent1Id = "a",
            Agent2Id = "b",
            Seats = [e.Seat0, Partner],
            ScoredSeats = [.. e.Scored],
            Seed = i,
            CreatedAt = created.AddSeconds(i),
        })]);

        var judge = new CallUsage("gpt-4o", 3_000, 400, 0, TimeSpan.FromSeconds(2));
        async Task<EpisodeFence> PlayAsync(string id, int turns)
        {
            var fence = (await _store.BeginEpisodeAsync(id))!.Fence!;
            for (var n = 0; n < turns; n++)
            {
                await _store.AppendTurnAsync(fence, new Turn(id, n, n % 2, AgentAction.Speak("hello"), null,
                    n % 2 == 0 ? new CallUsage("gpt-4o", 1_000 + n, 100, 200, TimeSpan.FromSeconds(1)) : new CallUsage("gpt-4o-mini", 2_000, 50, 0, TimeSpan.FromSeconds(1))));
            }
            return fence;
        }
        Task ScoredAsync(EpisodeFence fence, int goal0, int goal1) => _store.CompleteEpisodeAsync(fence, new EpisodeCompletion(
            EpisodeStatus.Completed, TerminationReason.Agent2Left, EvaluationOutcome.Success(new EpisodeEvaluation(Seat(goal0), Seat(goal1), "gpt-4o"), judge), null, DateTimeOffset.UnixEpoch));

        await ScoredAsync(await PlayAsync("bc-1", 4), 8, 6);
        await _store.CompleteEpisodeAsync(await PlayAsync("bc-2", 1), new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint refused\n  at Http.Send", DateTimeOffset.UnixEpoch));
        await PlayAsync("bc-3", 3); // still running
        await ScoredAsync(await PlayAsync("ev-e1", 2), 5, 9);
        await ScoredAsync(await PlayAsync("ev-e2", 2), 7, 3);
        await ScoredAsync(await PlayAsync("ev-p1", 2), 9, 3);
        await ScoredAsync(await PlayAsync("ev-p2", 3), 6, 4);
        await _store.CompleteEpisodeAsync(await PlayAsync("ev-p3", 2), new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong,
            EvaluationOutcome.Failed(new EvaluationFailure("the judge's answer is not JSON", "Well..."), judge), null, DateTimeOffset.UnixEpoch));
        // ev-p4 stays pending; bc-4 too.
    }

    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 1, 2, 0, -1, 0, goal }.Select(v => new DimensionScore(v, "because"))]);

    [Fact]
    public async Task TheReportFromRowsIsTheReportFromFullRecordsAndReadsNoTurn()
    {
        var observed = new ObservedStore(_store);
        var fromRows = await ReportSource.LoadAsync(observed, _campaign, null, CancellationToken.None);
        Assert.Equal(0, observed.TurnReads);
        Assert.Equal(0, observed.EpisodeListings);

        var records = await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = Id });
        var turnUsage = new Dictionary<string, ImmutableArray<CallUsage>>(StringComparer.Ordinal);
        foreach (var episode in records.Where(e => e.Status != EpisodeStatus.Pending))
        {
            turnUsage[episode.Id] = [.. (await _store.GetTurnsAsync(episode.Id)).Select(t => t.Usage).OfType<CallUsage>()];
        }
        var fromRecords = CampaignReportBuilder.Build(_campaign, records, (await _store.LoadDatasetAsync()).NamedSets, null, turnUsage);

        Assert.Equal(JsonSerializer.Serialize(fromRecords, SotopiaJson.Indented), JsonSerializer.Serialize(fromRows, SotopiaJson.Indented));
        // What the comparison covers: usage known and priced, a failure's first line, an evaluation failure, paired comparisons.
        Assert.Equal(CampaignUsageCalculator.Summarize(turnUsage.Values.SelectMany(u => u).Concat(records.Select(r => r.Outcome?.Usage).OfType<CallUsage>()), Budget).CostUsd, fromRows.Usage.CostUsd);
        Assert.True(fromRows.Usage.TotalTokens > 0);
        Assert.Equal((1, 1), (fromRows.Rounds.Single().Failed, fromRows.Scores.Single(s => s.Policy.Role == AgentRoles.Policy && s.Set == ReportSets.All).EvaluationFailed));
        Assert.NotEmpty(fromRows.Paired);
        Assert.Equal((1, 2), (fromRows.Episodes.Running, fromRows.Episodes.Pending));
    }

    /// <summary>The campaign's spend (the budget gate's and <c>campaign status</c>'s figures) comes from the same rows:
    /// every call counted once (turns of running episodes too), no turn read one episode at a time.</summary>
    [Fact]
    public async Task TheCampaignsUsageComesFromTheRowsWithEveryCallCounted()
    {
        var observed = new ObservedStore(_store);
        var usage = await CampaignUsageCalculator.ComputeAsync(observed, Id, Budget);
        Assert.Equal((0L, 0L), (observed.TurnReads, observed.EpisodeListings));

        var calls = new List<CallUsage>();
        foreach (var episode in await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = Id }))
        {
            calls.AddRange((await _store.GetTurnsAsync(episode.Id)).Select(t => t.Usage).OfType<CallUsage>());
            calls.AddRange(new[] { episode.Outcome?.Usage }.OfType<CallUsage>());
        }
        var expected = CampaignUsageCalculator.Summarize(calls, Budget);
        Assert.Equal(calls.Count, usage.Calls);
        Assert.Equal(
            expected.ByModel.Select(m => (m.Model, m.Calls, m.PromptTokens, m.CompletionTokens, m.CachedTokens, m.CostUsd)),
            usage.ByModel.Select(m => (m.Model, m.Calls, m.PromptTokens, m.CompletionTokens, m.CachedTokens, m.CostUsd)));
        Assert.Equal(expected.CostUsd, usage.CostUsd);
    }

    /// <summary>The dashboard's campaign list shows a model campaign's tokens and cost (it showed "—"): the campaign's
    /// usage from its rows, the same figures as the campaign view's spend; a repeat is served from the cache.</summary>
    [Fact]
    public async Task TheDashboardCampaignListShowsAModelCampaignsTokensAndCost()
    {
        var usages = new CampaignUsageCache(TimeProvider.System);
        var expected = await CampaignUsageCalculator.ComputeAsync(_store, Id, Budget);

        var row = Assert.Single((await DashboardApi.ListCampaignsAsync(_store, usages, CancellationToken.None)).Value!);
        Assert.Equal(expected.PromptTokens + expected.CompletionTokens, row.Tokens);
        Assert.True(row.Tokens > 0);
        Assert.Equal(expected.CostUsd, row.CostUsd);
        Assert.True(row.CostUsd > 0m);

        await DashboardApi.ListCampaignsAsync(_store, usages, CancellationToken.None);
        Assert.Equal(1, usages.Builds);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();
}

public sealed class SqliteReportFromRowsTests : ReportFromRowsTests, IDisposable
{
    private readonly TempDirectory _folder = new("sotopia-report-rows");

    protected override async Task<ISotopiaStore> OpenStoreAsync() => await SqliteSotopiaStore.OpenAsync(_folder.Combine("sotopia.db"));

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresReportFromRowsTests(PostgresServerFixture server) : ReportFromRowsTests
{
    protected override async Task<ISotopiaStore> OpenStoreAsync() => await PostgresSotopiaStore.OpenAsync(await server.CreateDatabaseAsync());
}
