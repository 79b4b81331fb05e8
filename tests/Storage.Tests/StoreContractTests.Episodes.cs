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
        Assert.Null(await store.BeginEpisodeAsync("missing"));
    }

    [Fact]
    public async Task BeginMakesAPendingEpisodeRunningWithFenceOne()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 2);

        var activation = await store.BeginEpisodeAsync(ids[0]);

        Assert.NotNull(activation);
        Assert.Equal(new EpisodeFence(ids[0], 1), activation.Fence);
        Assert.Empty(activation.Turns);
        var running = Episode(ids[0], "c-1", Start) with { Status = EpisodeStatus.Running };
        Assert.Equal(Json(running), Json(activation.Episode));
        Assert.Equal(Json(running), Json(await store.GetEpisodeAsync(ids[0])));
        Assert.Equal(new EpisodeCounts(1, 1, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1"));
    }

    [Fact]
    public async Task BeginAgainResumesWithTheStoredTurnsAndTheNextFence()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var first = await BeginAsync(store, id);
        await store.AppendTurnAsync(first, Turn(id, 0));
        await store.AppendTurnAsync(first, Turn(id, 1));

        var second = await store.BeginEpisodeAsync(id);
        var third = await store.BeginEpisodeAsync(id);

        Assert.Equal(new EpisodeFence(id, 2), second?.Fence);
        Assert.Equal(new EpisodeFence(id, 3), third?.Fence);
        Assert.Equal([Json(Turn(id, 0)), Json(Turn(id, 1))], third!.Turns.Select(Json));
        Assert.Equal(EpisodeStatus.Running, third.Episode.Status);
    }

    [Fact]
    public async Task BeginOfAnEndedEpisodeChangesNothingAndGivesNoFence()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 2);
        var fence = await BeginAsync(store, ids[0]);
        await store.AppendTurnAsync(fence, Turn(ids[0], 0));
        var end = new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint down", Start.AddMinutes(1));
        await store.CompleteEpisodeAsync(fence, end);
        await store.CancelEpisodesAsync("c-1");
        var failed = await store.GetEpisodeAsync(ids[0]);
        var cancelled = await store.GetEpisodeAsync(ids[1]);

        var again = await store.BeginEpisodeAsync(ids[0]);
        var cancelledAgain = await store.BeginEpisodeAsync(ids[1]);

        Assert.Null(again?.Fence);
        Assert.Equal(Json(failed), Json(again?.Episode));
        Assert.Equal([Json(Turn(ids[0], 0))], again!.Turns.Select(Json));
        Assert.Null(cancelledAgain?.Fence);
        Assert.Equal((EpisodeStatus.Cancelled, Json(cancelled)), (cancelledAgain!.Episode.Status, Json(cancelledAgain.Episode)));
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 1, 1), await store.CountEpisodesAsync("c-1"));
    }

    [Fact]
    public async Task TurnsMustBeContiguousAndUnique()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = await BeginAsync(store, id);
        await store.AppendTurnAsync(fence, Turn(id, 0));
        await store.AppendTurnAsync(fence, Turn(id, 1));

        var gap = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 3)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 1, "again")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(fence, Turn(id, 0, "again")));
        await store.AppendTurnAsync(fence, Turn(id, 2));

        Assert.Equal($"Turn 3 of episode '{id}' is not contiguous: 2 turns exist, so the next is 2.", gap.Message);
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
        var fence = await BeginAsync(store, id);
        var turns = new[]
        {
            new Turn(id, 0, 0, new AgentAction(ActionType.NonVerbalCommunication, "waves, smiling \"hi\" ☺ it's"), "forced after one repair",
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
    public async Task ManyTurnsAreReadAcrossPages()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = await BeginAsync(store, id);
        for (var n = 0; n < (SmallPageSize * 3) + 1; n++)
        {
            await store.AppendTurnAsync(fence, Turn(id, n));
        }

        Assert.Equal(Enumerable.Range(0, (SmallPageSize * 3) + 1), (await store.GetTurnsAsync(id)).Select(t => t.Number));
        Assert.Equal((SmallPageSize * 3) + 1, (await store.BeginEpisodeAsync(id))!.Turns.Length);
    }

    [Fact]
    public async Task AppendToAMissingEpisodeFails()
    {
        var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(new EpisodeFence("ghost", 1), Turn("ghost", 0)));

        Assert.Equal("Episode 'ghost' does not exist.", error.Message);
        Assert.Empty(await store.GetTurnsAsync("ghost"));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task CompleteRecordsTheEnd()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 4);
        var fences = new List<EpisodeFence>();
        foreach (var id in ids.Take(3))
        {
            fences.Add(await BeginAsync(store, id));
        }
        var end = Time.GetUtcNow().AddSeconds(3);
        var outcome = Success(8, 3);

        await store.CompleteEpisodeAsync(fences[0], new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.Agent2Left, outcome, null, end));
        await store.CompleteEpisodeAsync(fences[1], new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong,
            EvaluationOutcome.Failed(new EvaluationFailure("unparseable", "raw text")), null, end));
        await store.CompleteEpisodeAsync(fences[2], new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint down", end));

        Assert.Equal(new EpisodeCounts(1, 0, 1, 1, 1, 0), await store.CountEpisodesAsync("c-1"));
        var completed = await store.GetEpisodeAsync(ids[0]);
        Assert.Equal(Json(Episode(ids[0], "c-1", Start) with
        {
            Status = EpisodeStatus.Completed,
            Termination = TerminationReason.Agent2Left,
            Outcome = outcome,
            CompletedAt = end,
        }), Json(completed));
        var failed = await store.GetEpisodeAsync(ids[2]);
        Assert.Equal((EpisodeStatus.Failed, "endpoint down", (EvaluationOutcome?)null), (failed?.Status, failed?.FailureReason, failed?.Outcome));
        Assert.Equal("unparseable", (await store.GetEpisodeAsync(ids[1]))?.Outcome?.Failure?.Reason);
        Assert.Equal([ids[3]], await store.ListUnfinishedEpisodeIdsAsync("c-1", 0));
    }

    [Fact]
    public async Task CompletionMustMatchItsStatus()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-1", 1))[0];
        var fence = await BeginAsync(store, id);
        var failedOutcome = EvaluationOutcome.Failed(new EvaluationFailure("bad"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, failedOutcome, null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong, Success(1, 1), null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, " ", Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Pending, null, null, null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Cancelled, null, null, null, Start)));

        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(id))?.Status);
    }

    [Fact]
    public async Task CancelEndsOnlyUnfinishedEpisodesOfTheCampaign()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 3);
        var failedFence = await BeginAsync(store, ids[0]);
        await BeginAsync(store, ids[1]);
        var others = await SeedEpisodesAsync(store, "c-2", 1);
        await store.CompleteEpisodeAsync(failedFence, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        var cancelled = await store.CancelEpisodesAsync("c-1");

        Assert.Equal(2, cancelled);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 1, 2), await store.CountEpisodesAsync("c-1"));
        Assert.Equal(Json(Episode(ids[1], "c-1", Start.AddMilliseconds(1)) with { Status = EpisodeStatus.Cancelled }),
            Json(await store.GetEpisodeAsync(ids[1])));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.GetEpisodeAsync(ids[2]))?.Status);
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(ids[0]))?.Status);
        Assert.Empty(await store.ListUnfinishedEpisodeIdsAsync("c-1", 0));
        Assert.Equal(others, await store.ListUnfinishedEpisodeIdsAsync("c-2", 0));
        Assert.Equal(0, await store.CancelEpisodesAsync("c-1"));
        Assert.Equal(0, await store.CancelEpisodesAsync("c-unknown"));
    }

    [Fact]
    public async Task CountsAndListsFilterByRoundAndMore()
    {
        var store = await NewStoreAsync();
        var round0 = await SeedEpisodesAsync(store, "c-1", 3, round: 0);
        var round1 = await SeedEpisodesAsync(store, "c-1", 2, round: 1);
        await store.CreateEpisodesAsync([Episode("c-1-eval", "c-1", Start.AddSeconds(1), round: 2, phase: "eval", scenarioId: "scenario-z")]);
        await BeginAsync(store, round0[0]);

        Assert.Equal(new EpisodeCounts(2, 1, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 0));
        Assert.Equal(new EpisodeCounts(2, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 1));
        Assert.Equal(6, (await store.CountEpisodesAsync("c-1")).Total);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-other"));

        // Created 1 ms apart per round, so the two rounds interleave: r0e0, r1e0, r0e1, r1e1, r0e2, then eval.
        Assert.Equal([round0[0], round1[0], round0[1], round1[1], round0[2], "c-1-eval"],
            (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" })).Select(e => e.Id));
        Assert.Equal([round0[2], "c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Offset = 4 })).Select(e => e.Id));
        Assert.Equal([round1[1], round0[2], "c-1-eval"],
            (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Offset = 3, Limit = 10 })).Select(e => e.Id));
        Assert.Equal([round0[1], round1[1], round0[2], "c-1-eval"],
            (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Offset = 2, Limit = 4 })).Select(e => e.Id));
        Assert.Empty(await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Limit = 0 }));
        Assert.Equal(round1, (await store.ListEpisodesAsync(new EpisodeQuery { Round = 1 })).Select(e => e.Id));
        Assert.Equal([round0[1]], (await store.ListEpisodesAsync(new EpisodeQuery { Round = 0, Status = EpisodeStatus.Pending, Limit = 1 })).Select(e => e.Id));
        Assert.Equal([round0[0]], (await store.ListEpisodesAsync(new EpisodeQuery { Status = EpisodeStatus.Running })).Select(e => e.Id));
        Assert.Equal(["c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { Phase = "eval", ScenarioId = "scenario-z" })).Select(e => e.Id));
        Assert.Empty(await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-2" }));
    }

    [Fact]
    public async Task AListingWithoutALimitReturnsEveryEpisodeWellPastTheOldTenThousandCap()
    {
        // The stores' own read page (1,000 rows), so 12,000 episodes cross twelve pages.
        var store = await NewStoreAsync(pageSize: 1000);
        var ids = await SeedEpisodesAsync(store, "big", 12_000);
        var other = await SeedEpisodesAsync(store, "small", 5);

        var listed = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "big" });

        Assert.Equal(ids, listed.Select(e => e.Id));
        Assert.Equal(12_000, (await store.CountEpisodesAsync("big")).Total);
        Assert.Equal(12_005, (await store.ListEpisodesAsync(new EpisodeQuery())).Count);
        Assert.Equal(other, (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "small" })).Select(e => e.Id));
    }

    [Fact]
    public async Task EpisodesAreListedByCreationTimeThenId()
    {
        var store = await NewStoreAsync();
        // Ids sort the other way round from creation times, and three share one time: the order is (created_at, id).
        await store.CreateEpisodesAsync(
        [
            Episode("e-9", "c-1", Start.AddSeconds(2)),
            Episode("e-b", "c-1", Start.AddSeconds(1)),
            Episode("e-a", "c-1", Start.AddSeconds(1)),
            Episode("e-c", "c-1", Start.AddSeconds(1)),
            Episode("e-5", "c-1", Start.AddSeconds(3)),
            Episode("e-1", "c-1", Start.AddSeconds(4)),
        ]);

        Assert.Equal(["e-a", "e-b", "e-c", "e-9", "e-5", "e-1"], (await store.ListEpisodesAsync(new EpisodeQuery())).Select(e => e.Id));
    }

    /// <summary>No silent cap: more episodes than the lease runtime's old default limit (10,000) come back, in order.
    /// They are created in one batch and read in pages of 1,000.</summary>
    [Fact]
    public async Task ListEpisodesWithoutALimitReturnsEveryEpisode()
    {
        const int Count = 10_007;
        var store = await NewStoreAsync(pageSize: 1000);
        var ids = await SeedEpisodesAsync(store, "c-big", Count);

        var listed = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-big" });

        Assert.Equal(ids, listed.Select(e => e.Id));
        Assert.Equal(ids.Skip(9_999), (await store.ListEpisodesAsync(new EpisodeQuery { Offset = 9_999 })).Select(e => e.Id));
    }

    /// <summary>Keyset paging (issue 13): pages read after each page's last episode, with filters, give exactly the
    /// unpaged listing — no duplicates, no gaps — also where several episodes share a creation time and ids sort
    /// against the times.</summary>
    [Fact]
    public async Task CursorPagesWithFiltersGiveTheWholeListingWithoutDuplicatesOrGaps()
    {
        var store = await NewStoreAsync(pageSize: 4);
        // 45 episodes, three per millisecond, ids descending against the times; two campaigns, two phases.
        var episodes = Enumerable.Range(0, 45)
            .Select(i => Episode($"e-{99 - i:D2}", i % 3 == 0 ? "c-2" : "c-1", Start.AddMilliseconds(i / 3), phase: i % 2 == 0 ? "sr" : "eval"))
            .ToList();
        await store.CreateEpisodesAsync(episodes);
        foreach (var episode in episodes.Where((_, i) => i % 4 == 0))
        {
            await BeginAsync(store, episode.Id);
        }

        foreach (var filter in new[]
        {
            new EpisodeQuery(),
            new EpisodeQuery { CampaignId = "c-1" },
            new EpisodeQuery { CampaignId = "c-1", Status = EpisodeStatus.Pending },
            new EpisodeQuery { Status = EpisodeStatus.Running },
            new EpisodeQuery { CampaignId = "c-2", Phase = "eval" },
        })
        {
            var whole = (await store.ListEpisodesAsync(filter)).Select(e => e.Id).ToList();
            var paged = new List<string>();
            EpisodeCursor? cursor = null;
            for (var pages = 0; pages < 50; pages++)
            {
                var page = await store.ListEpisodesAsync(filter with { After = cursor, Limit = 5 });
                paged.AddRange(page.Select(e => e.Id));
                if (page.Count < 5)
                {
                    break;
                }
                cursor = EpisodeCursor.After(page[^1]);
                // The cursor survives its text form, as an API hands it out.
                Assert.True(EpisodeCursor.TryParse(cursor.Encode(), out var parsed));
                Assert.Equal(cursor, parsed);
                cursor = parsed;
            }
            Assert.NotEmpty(whole);
            Assert.Equal(whole, paged);
            Assert.Equal(whole.Count, await store.CountMatchingEpisodesAsync(filter with { After = cursor, Limit = 1 }));
        }
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ListEpisodesAsync(new EpisodeQuery { After = new EpisodeCursor(0, "e-00"), Offset = 1 }));
    }

    [Fact]
    public async Task UnfinishedIdsAreRunningOnesThenPendingOnesEachOldestFirst()
    {
        var store = await NewStoreAsync();
        // Ids sort the other way round from creation times: the order must follow the times.
        var episodes = Enumerable.Range(0, 8).Select(i => Episode($"e-{9 - i}", "c-1", Start.AddSeconds(i))).ToList();
        await store.CreateEpisodesAsync([.. episodes, Episode("other-round", "c-1", Start, round: 1), Episode("other-campaign", "c-2", Start)]);
        foreach (var id in (string[])["e-4", "e-8", "e-6"])
        {
            await BeginAsync(store, id);
        }
        var done = await BeginAsync(store, "e-5");
        await store.CompleteEpisodeAsync(done, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        var unfinished = await store.ListUnfinishedEpisodeIdsAsync("c-1", 0);

        Assert.Equal(["e-8", "e-6", "e-4", "e-9", "e-7", "e-3", "e-2"], unfinished);
        Assert.Equal(["other-round"], await store.ListUnfinishedEpisodeIdsAsync("c-1", 1));
        Assert.Empty(await store.ListUnfinishedEpisodeIdsAsync("c-1", 2));
    }
}
