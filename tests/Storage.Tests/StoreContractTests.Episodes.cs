using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateEpisodesInsertsOnlyNewIds()
    {
        var store = await NewStoreAsync();
        var first = Episode("e-1", "c-1", Start);

        Assert.Equal(2, await store.CreateEpisodesAsync([first, Episode("e-2", "c-1", Start)]));
        Assert.Equal(1, await store.CreateEpisodesAsync([first with { Seed = 99 }, Episode("e-3", "c-1", Start)]));
        Assert.Equal(0, await store.CreateEpisodesAsync([]));

        Assert.Equal(Json(first), Json(await store.GetEpisodeAsync("e-1")));
        Assert.Equal(3, (await store.CountEpisodesAsync("c-1")).Pending);
    }

    [Fact]
    public async Task GetEpisodeOfUnknownIdIsNull()
    {
        var store = await NewStoreAsync();

        Assert.Null(await store.GetEpisodeAsync("missing"));
        Assert.Empty(await store.GetTurnsAsync("missing"));
    }

    [Fact]
    public async Task UnfinishedEpisodesAreListedRunningFirstThenOldestFirst()
    {
        var store = await NewStoreAsync();
        // Ids sort the other way round from creation times: the order must follow the times.
        await store.CreateEpisodesAsync([.. Enumerable.Range(0, 5).Select(i => Episode($"e-{9 - i}", "c-1", Start.AddSeconds(i)))]);
        await store.CreateEpisodesAsync([Episode("e-next-round", "c-1", Start, round: 1), Episode("e-other", "c-2", Start)]);
        var running = await BeginAsync(store, "e-6");
        var done = await BeginAsync(store, "e-8");
        await store.CompleteEpisodeAsync(done.Fence!, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        Assert.Equal(["e-6", "e-9", "e-7", "e-5"], await store.ListUnfinishedEpisodeIdsAsync("c-1", 0));
        Assert.Equal(["e-next-round"], await store.ListUnfinishedEpisodeIdsAsync("c-1", 1));
        Assert.Empty(await store.ListUnfinishedEpisodeIdsAsync("c-1", 2));
        Assert.Equal(new EpisodeCounts(3, 1, 0, 0, 1, 0), await store.CountEpisodesAsync("c-1", 0));
        Assert.Equal(new EpisodeFence("e-6", 1), running.Fence);
    }

    [Fact]
    public async Task TurnsMustBeContiguousAndUnique()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = (await BeginAsync(store, id)).Fence!;
        await store.AppendTurnAsync(fence, Turn(id, 0));
        await store.AppendTurnAsync(fence, Turn(id, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 3)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 1, "again")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 0, "again")));
        await store.AppendTurnAsync(fence, Turn(id, 2));

        var turns = await store.GetTurnsAsync(id);
        Assert.Equal([0, 1, 2], turns.Select(t => t.Number));
        Assert.Equal(Json(Turn(id, 1)), Json(turns[1]));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task TurnKeepsEveryField()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = (await BeginAsync(store, id)).Fence!;
        var turns = new[]
        {
            new Turn(id, 0, 0, new AgentAction(ActionType.NonVerbalCommunication, "waves, smiling \"hi\" ☺"), "forced after one repair",
                new CallUsage("sim-policy-v1", 812, 37, 512, TimeSpan.FromMilliseconds(431.5))),
            new Turn(id, 1, 1, AgentAction.None),
            new Turn(id, 2, 0, AgentAction.Leave, null, CallUsage.Zero("m")),
        };
        foreach (var turn in turns)
        {
            await store.AppendTurnAsync(fence, turn);
        }

        var stored = await store.GetTurnsAsync(id);

        Assert.Equal(turns.Select(Json), stored.Select(Json));
        Assert.Equal(turns, stored);
    }

    [Fact]
    public async Task AppendToAMissingEpisodeFails()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(new EpisodeFence("ghost", 1), Turn("ghost", 0)));

        Assert.Empty(await store.GetTurnsAsync("ghost"));
    }

    [Fact]
    public async Task ConcurrentAppendersStoreEveryTurnExactlyOnce()
    {
        const int Episodes = 200;
        const int Turns = 20;
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-load", Episodes);
        var claimed = new List<EpisodeActivation>();
        foreach (var id in ids)
        {
            claimed.Add(await BeginAsync(store, id));
        }

        async Task PlayAsync(EpisodeActivation episode)
        {
            for (var n = 0; n < Turns; n++)
            {
                await store.AppendTurnAsync(episode.Fence!, Turn(episode.Episode.Id, n));
            }
            await store.CompleteEpisodeAsync(episode.Fence!,
                new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(6, 4), null, Time.GetUtcNow()));
        }

        // Writers with another fence run alongside: each of their writes fails alone, in the same batches.
        async Task<int> IntrudeAsync(EpisodeActivation episode)
        {
            var refused = 0;
            for (var n = 0; n < 5; n++)
            {
                try
                {
                    await store.AppendTurnAsync(episode.Fence! with { Value = episode.Fence!.Value + 1 }, Turn(episode.Episode.Id, n, "intruder"));
                }
                catch (StaleWriteException)
                {
                    refused++;
                }
            }
            return refused;
        }

        var players = claimed.Select(c => Task.Run(() => PlayAsync(c))).ToList();
        var intruders = claimed.Take(40).Select(c => Task.Run(() => IntrudeAsync(c))).ToList();
        await Task.WhenAll(players);
        var refused = await Task.WhenAll(intruders);

        Assert.Equal(40 * 5, refused.Sum());
        Assert.Equal(40 * 5, store.StaleWritesRefused);
        foreach (var episode in claimed)
        {
            var turns = await store.GetTurnsAsync(episode.Episode.Id);
            Assert.Equal(Enumerable.Range(0, Turns), turns.Select(t => t.Number));
            Assert.All(turns, t => Assert.Equal($"{episode.Episode.Id} says line {t.Number}", t.Action.Argument));
        }
        Assert.Equal(new EpisodeCounts(0, 0, Episodes, 0, 0, 0), await store.CountEpisodesAsync("c-load"));
    }

    [Fact]
    public async Task CompleteRecordsTheEnd()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 5);
        var claimed = new List<EpisodeFence>();
        foreach (var id in ids.Take(4))
        {
            claimed.Add((await BeginAsync(store, id)).Fence!);
        }
        var end = Time.GetUtcNow().AddSeconds(3);
        var outcome = Success(8, 3);

        await store.CompleteEpisodeAsync(claimed[0], new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.Agent2Left, outcome, null, end));
        await store.CompleteEpisodeAsync(claimed[1], new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong,
            EvaluationOutcome.Failed(new EvaluationFailure("unparseable", "raw text")), null, end));
        await store.CompleteEpisodeAsync(claimed[2], new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint down", end));

        Assert.Equal(new EpisodeCounts(1, 1, 1, 1, 1, 0), await store.CountEpisodesAsync("c-1"));
        var completed = await store.GetEpisodeAsync(ids[0]);
        Assert.Equal(Json(Episode(ids[0], "c-1", Start) with
        {
            Status = EpisodeStatus.Completed,
            Termination = TerminationReason.Agent2Left,
            Outcome = outcome,
            CompletedAt = end,
        }), Json(completed));
        Assert.Equal(8, completed?.Outcome?.Evaluation?.Agent1.Goal);
        var failed = await store.GetEpisodeAsync(ids[2]);
        Assert.Equal((EpisodeStatus.Failed, "endpoint down", (EvaluationOutcome?)null), (failed?.Status, failed?.FailureReason, failed?.Outcome));
        Assert.Equal("unparseable", (await store.GetEpisodeAsync(ids[1]))?.Outcome?.Failure?.Reason);

        // Finished: the activation can no longer write, and only the other two remain to be played.
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(claimed[0], Turn(ids[0], 0)));
        Assert.Equal([ids[3], ids[4]], await store.ListUnfinishedEpisodeIdsAsync("c-1", 0));
    }

    [Fact]
    public async Task CompletionMustMatchItsStatus()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = (await BeginAsync(store, id)).Fence!;
        var failedOutcome = EvaluationOutcome.Failed(new EvaluationFailure("bad"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, failedOutcome, null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong, Success(1, 1), null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, " ", Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Pending, null, null, null, Start)));

        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(id))?.Status);
    }

    [Fact]
    public async Task CancelEndsOnlyUnfinishedEpisodesOfTheCampaign()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 3);
        var claimed = new[] { (await BeginAsync(store, ids[0])).Fence!, (await BeginAsync(store, ids[1])).Fence! };
        var others = await SeedEpisodesAsync(store, "c-2", 1);
        await store.CompleteEpisodeAsync(claimed[0], new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        var cancelled = await store.CancelEpisodesAsync("c-1");

        Assert.Equal(2, cancelled);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 1, 2), await store.CountEpisodesAsync("c-1"));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.GetEpisodeAsync(ids[1]))?.Status);
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(ids[0]))?.Status);
        // The activation of the running one is stopped; nothing of c-1 is left to play; c-2 is untouched.
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(claimed[1], Turn(ids[1], 0)));
        Assert.Empty(await store.ListUnfinishedEpisodeIdsAsync("c-1", 0));
        Assert.Equal(others, await store.ListUnfinishedEpisodeIdsAsync("c-2", 0));
        Assert.Equal(0, await store.CancelEpisodesAsync("c-1"));
    }

    [Fact]
    public async Task CountsAndListsFilterByRoundAndMore()
    {
        var store = await NewStoreAsync();
        var round0 = await SeedEpisodesAsync(store, "c-1", 3, round: 0);
        var round1 = await SeedEpisodesAsync(store, "c-1", 2, round: 1);
        await store.CreateEpisodesAsync([Episode("c-1-eval", "c-1", Start.AddSeconds(1), round: 2, phase: "eval", scenarioId: "scenario-z")]);
        var claimed = await BeginAsync(store, round0[0]);

        Assert.Equal(new EpisodeCounts(2, 1, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 0));
        Assert.Equal(new EpisodeCounts(2, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 1));
        Assert.Equal(6, (await store.CountEpisodesAsync("c-1")).Total);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-other"));

        var all = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" });
        Assert.Equal(6, all.Count);
        Assert.Equal([round0[2], "c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Offset = 4 })).Select(e => e.Id));
        Assert.Equal(round1, (await store.ListEpisodesAsync(new EpisodeQuery { Round = 1 })).Select(e => e.Id));
        Assert.Equal([round0[1]], (await store.ListEpisodesAsync(new EpisodeQuery { Round = 0, Status = EpisodeStatus.Pending, Limit = 1 })).Select(e => e.Id));
        Assert.Equal([claimed.Episode.Id], (await store.ListEpisodesAsync(new EpisodeQuery { Status = EpisodeStatus.Running })).Select(e => e.Id));
        Assert.Equal(["c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { Phase = "eval", ScenarioId = "scenario-z" })).Select(e => e.Id));
        Assert.Empty(await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-2" }));
        Assert.Empty(await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListEpisodesAsync(new EpisodeQuery { Limit = -1 }));
    }

    [Fact]
    public async Task AListWithoutALimitReturnsEveryEpisode()
    {
        // No silent cap: 1,500 episodes (more than any page size a caller might assume) come back, in order.
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-big", 1500);

        var listed = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-big" });

        Assert.Equal(ids, listed.Select(e => e.Id));
    }
}
