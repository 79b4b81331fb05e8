using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Tests.Fakes;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Episodes;

namespace SotopiaPi.Grains.Tests;

/// <summary>The campaign grain's logic (<see cref="CampaignDriver"/>) step by step, on in-memory fakes and a
/// <see cref="FakeTimeProvider"/>: a round creates its episodes with the right seats at the clock's time, waits
/// until every episode ended, then filters, exports and asks for training; a published version moves it on, a
/// failed training or a round with nothing to train on fails it with the reason; evaluation plays every version
/// and the expert against the partner on both seats.</summary>
public sealed class CampaignDriverTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, CampaignModels.Simulator.Expert);
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, CampaignModels.Simulator.Partner);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemorySotopiaStore _store = new(Dataset());
    private readonly InMemoryArtifactStore _artifacts = new();
    private readonly FixedPolicyVersions _policies = new(
        new PolicyVersion { PolicyName = "sotopia-pi", Version = 0, Kind = "base", Model = "base-model" },
        new PolicyVersion { PolicyName = "sotopia-pi", Version = 2, Kind = "sr", Model = "sotopia-pi-v2" });

    private static readonly CampaignSpec BcOnly = new()
    {
        Mode = CampaignMode.Bc,
        SkipEvaluation = true,
        ScenariosPerRound = 2,
        PairsPerScenario = 2,
        EvaluationSet = "hard",
    };

    [Fact]
    public async Task ABcRoundCreatesOneEpisodePerSampledPairWithTheExpertOnBothSeats()
    {
        using var driver = Driver();

        var next = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);

        Assert.Equal(("playing", CampaignStatus.Running), (next!.Step, next.Status));
        var round = Assert.Single(next.Rounds);
        Assert.Equal((0, "bc", 2, 4, (int?)null), (round.Round, round.Phase, round.Scenarios, round.Episodes, round.PlayedVersion));
        Assert.Equal(2, next.UsedScenarios.Distinct().Count());
        Assert.DoesNotContain("s-hard", next.UsedScenarios);
        var episodes = await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" });
        Assert.Equal(4, episodes.Count);
        Assert.All(episodes, e =>
        {
            Assert.Equal(new[] { Expert, Expert }, e.Seats.ToArray());
            Assert.Equal(new[] { 0, 1 }, e.ScoredSeats.ToArray());
            Assert.Equal((0, "bc", Start, EpisodeStatus.Pending), (e.Round, e.Phase, e.CreatedAt, e.Status));
            Assert.StartsWith("c-1-r0-", e.Id, StringComparison.Ordinal);
            Assert.Contains(e.ScenarioId, next.UsedScenarios);
        });
    }

    [Fact]
    public async Task RedoingTheStartStepAfterACrashCreatesNothingTwice()
    {
        using var driver = Driver();
        var first = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);
        var firstIds = (await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" })).Select(e => e.Id).Order().ToList();

        _time.Advance(TimeSpan.FromMinutes(5));
        var again = await Driver().StepAsync(Campaign(BcOnly), CancellationToken.None);

        Assert.Equal(first!.UsedScenarios.ToArray(), again!.UsedScenarios.ToArray());
        var episodes = await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" });
        Assert.Equal(firstIds, episodes.Select(e => e.Id).Order().ToList());
        Assert.All(episodes, e => Assert.Equal(Start, e.CreatedAt));
    }

    [Fact]
    public async Task ARoundWaitsForEveryEpisodeThenExportsTheBestAndAsksForTraining()
    {
        using var driver = Driver();
        var playing = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);

        Assert.Null(await driver.StepAsync(playing!, CancellationToken.None));
        await PlayAsync(leaveUnplayed: 1);
        Assert.Null(await driver.StepAsync(playing!, CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(3));
        await PlayAsync();
        var training = await driver.StepAsync(playing!, CancellationToken.None);

        Assert.Equal("training", training!.Step);
        var round = Assert.Single(training.Rounds);
        Assert.Equal((4, 0, 0), (round.Completed, round.EvaluationFailed, round.Failed));
        // Top 1 per scenario and seat: 2 scenarios × 2 seats.
        Assert.Equal(4, round.FilteredTrajectories);
        Assert.Equal(7.0, round.FilteredGoal);
        Assert.Equal("c-1-r0", round.TrainingRequestId);
        var request = _store.Request("c-1-r0");
        Assert.Equal(("bc", 0, "sotopia-pi", Start.AddMinutes(3)), (request.Kind, request.BaseVersion, request.PolicyName, request.CreatedAt));
        Assert.Equal("datasets/c-1/round-0.chat.jsonl", request.DatasetPath);
        Assert.Equal(await _artifacts.HashAsync(request.DatasetPath), request.DatasetHash);
        Assert.Equal(request.DatasetHash, round.DatasetId);
        Assert.True(round.TrainingExamples > 0);
        Assert.Equal(round.TrainingExamples, _artifacts.Lines(request.DatasetPath).Length);
    }

    [Fact]
    public async Task APublishedVersionMovesTheCampaignOnAndThePlanEndsCompleted()
    {
        using var driver = Driver();
        var playing = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);
        await PlayAsync();
        var training = await driver.StepAsync(playing!, CancellationToken.None);

        Assert.Null(await driver.StepAsync(training!, CancellationToken.None));
        _store.SetRequest("c-1-r0", r => r with { Status = TrainingStatus.Running });
        Assert.Null(await driver.StepAsync(training!, CancellationToken.None));
        _store.SetRequest("c-1-r0", r => r with { Status = TrainingStatus.Succeeded, PublishedVersion = 1 });
        var next = await driver.StepAsync(training!, CancellationToken.None);

        Assert.Equal((1, "start", CampaignStatus.Running), (next!.Stage, next.Step, next.Status));
        Assert.Equal(1, Assert.Single(next.Rounds).ProducedVersion);
        var done = await driver.StepAsync(next, CancellationToken.None);
        Assert.Equal((CampaignStatus.Completed, "done"), (done!.Status, done.Step));
        Assert.Null(await driver.StepAsync(done, CancellationToken.None));
    }

    [Fact]
    public async Task AFailedTrainingFailsTheCampaignWithTheTrainersReason()
    {
        using var driver = Driver();
        var playing = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);
        await PlayAsync();
        var training = await driver.StepAsync(playing!, CancellationToken.None);
        _store.SetRequest("c-1-r0", r => r with { Status = TrainingStatus.Failed, Error = "the GPU ran out of memory" });

        var failed = await driver.StepAsync(training!, CancellationToken.None);

        Assert.Equal(CampaignStatus.Failed, failed!.Status);
        Assert.Equal("Training for round 0 failed: the GPU ran out of memory", failed.Error);
    }

    [Fact]
    public async Task ARoundWhoseEpisodesAllFailedJudgementFailsInsteadOfTrainingOnNothing()
    {
        using var driver = Driver();
        var playing = await driver.StepAsync(Campaign(BcOnly), CancellationToken.None);
        await PlayAsync(judge: new FixedJudge { Fail = "the judge answered prose" });

        var failed = await driver.StepAsync(playing!, CancellationToken.None);

        Assert.Equal(CampaignStatus.Failed, failed!.Status);
        Assert.Equal("Round 0 (bc): no episode was judged successfully (4 evaluation failures, 0 failed), so there is nothing to train on.", failed.Error);
        Assert.Throws<KeyNotFoundException>(() => _store.Request("c-1-r0"));
    }

    [Fact]
    public async Task AScenarioSetWithoutAMatchingPairFailsTheRoundAndCreatesNoEpisode()
    {
        var spec = BcOnly with { RoundScenarioSets = ["family"] };
        using var driver = Driver();

        var failed = await driver.StepAsync(Campaign(spec), CancellationToken.None);

        Assert.Equal(CampaignStatus.Failed, failed!.Status);
        Assert.Equal("Round 0 (bc): no character pair matches the relationship of any chosen scenario.", failed.Error);
        Assert.Empty(await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" }));
    }

    [Fact]
    public async Task AnSrRoundPlaysThePinnedPolicyVersionAgainstItselfAndTrainsFromIt()
    {
        var spec = BcOnly with { Mode = CampaignMode.Sr, SrRounds = 1 };
        using var driver = Driver();

        var playing = await driver.StepAsync(Campaign(spec), CancellationToken.None);
        var self = new SeatBinding(AgentRoles.Policy, "sotopia-pi", 0, "base-model");
        Assert.All(await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" }), e => Assert.Equal(new[] { self, self }, e.Seats.ToArray()));
        Assert.Equal(0, Assert.Single(playing!.Rounds).PlayedVersion);
        await PlayAsync();
        var training = await driver.StepAsync(playing, CancellationToken.None);

        Assert.Equal("training", training!.Step);
        Assert.Equal(("sr", 0), (_store.Request("c-1-r0").Kind, _store.Request("c-1-r0").BaseVersion));
    }

    [Fact]
    public async Task EvaluationPlaysEachTargetOnBothSeatsAgainstThePartnerAndScoresIt()
    {
        var spec = new CampaignSpec { Mode = CampaignMode.Eval, EvaluationSet = "hard", EvaluationPairsPerScenario = 1, EvaluateExpert = true };
        using var driver = Driver();

        var playing = await driver.StepAsync(Campaign(spec), CancellationToken.None);

        Assert.Equal("playing", playing!.Step);
        var episodes = await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" });
        var active = new SeatBinding(AgentRoles.Policy, "sotopia-pi", 2, "sotopia-pi-v2");
        var seatings = episodes.Select(e => (e.Seats[0], e.Seats[1], e.ScoredSeats.Single())).ToHashSet();
        Assert.Equal(
            new HashSet<(SeatBinding, SeatBinding, int)> { (active, Partner, 0), (Partner, active, 1), (Expert, Partner, 0), (Partner, Expert, 1) },
            seatings);
        Assert.All(episodes, e => Assert.Equal(("eval", "s-hard"), (e.Phase, e.ScenarioId)));

        Assert.Null(await driver.StepAsync(playing, CancellationToken.None));
        await PlayAsync();
        var scored = await driver.StepAsync(playing, CancellationToken.None);

        Assert.Equal((1, "start"), (scored!.Stage, scored.Step));
        Assert.Equal(["v2", "expert"], scored.Evaluations.Select(e => e.Label));
        Assert.All(scored.Evaluations, e => Assert.Equal((2, 0), (e.Episodes, e.EvaluationFailed)));
        Assert.Equal([2, null], scored.Evaluations.Select(e => e.Version));
        Assert.Equal(CampaignStatus.Completed, (await driver.StepAsync(scored, CancellationToken.None))!.Status);
    }

    private CampaignDriver Driver() =>
        new("c-1", _store, _artifacts, _policies, CampaignModels.Simulator, _time, NullLogger.Instance);

    private static CampaignRecord Campaign(CampaignSpec spec) => new() { Id = "c-1", Spec = spec, Revision = 1, CreatedAt = Start };

    /// <summary>Plays the campaign's unfinished episodes to their end with <see cref="EpisodeRunner"/> (seat 0 leaves
    /// at turn 4), all but the last <paramref name="leaveUnplayed"/>.</summary>
    private async Task PlayAsync(int leaveUnplayed = 0, FixedJudge? judge = null)
    {
        var dataset = await _store.LoadDatasetAsync();
        var index = new DatasetIndex(dataset);
        var runner = new EpisodeRunner(_store, judge ?? new FixedJudge(), _time);
        var unfinished = (await _store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" }))
            .Where(e => e.Status is EpisodeStatus.Pending or EpisodeStatus.Running)
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        foreach (var episode in unfinished.SkipLast(leaveUnplayed))
        {
            var begun = (await _store.BeginEpisodeAsync(episode.Id))!;
            static AgentAction Script(int turn) => turn == 4 ? AgentAction.Leave : AgentAction.Speak($"line {turn}");
            await runner.RunAsync(begun, index.GetSetup(begun.Episode), [new ScriptedSeat(0, Script), new ScriptedSeat(1, Script)], CancellationToken.None);
        }
    }

    /// <summary>Five friends' scenarios (one of them the evaluation set "hard"), a family scenario in the set
    /// "family", and three friend pairs among four characters.</summary>
    private static SotopiaDataset Dataset()
    {
        Character Person(int n) => new() { Id = $"p{n}", FirstName = $"First{n}", LastName = $"Last{n}", Age = 30 + n, Occupation = "gardener" };
        Scenario Friends(string id) => new()
        {
            Id = id,
            Text = $"Two friends meet ({id}).",
            Goals = ["Get help weeding", "Borrow the watering can"],
            Relationship = RelationshipType.Friend,
        };
        RelationshipProfile Pair(int a, int b) => new() { Id = $"rel-{a}-{b}", Agent1Id = $"p{a}", Agent2Id = $"p{b}", Relationship = RelationshipType.Friend };
        return new SotopiaDataset
        {
            Characters = [Person(1), Person(2), Person(3), Person(4)],
            Relationships = [Pair(1, 2), Pair(3, 4), Pair(1, 3)],
            Scenarios = [Friends("s-1"), Friends("s-2"), Friends("s-3"), Friends("s-4"), Friends("s-hard"), Friends("s-family") with { Relationship = RelationshipType.FamilyMember }],
            NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty
                .Add("hard", ["s-hard"])
                .Add("family", ["s-family"]),
        };
    }
}
