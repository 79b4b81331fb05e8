using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateEpisodesInsertsOnlyNewIds()
    {
        var store = await NewStoreAsync();
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-1", "silo-a", LeaseTime);
        var first = Episode("e-1", "c-1", Start);

        Assert.Equal(2, await store.CreateEpisodesAsync(lease!, [first, Episode("e-2", "c-1", Start)]));
        Assert.Equal(1, await store.CreateEpisodesAsync(lease!, [first with { Seed = 99 }, Episode("e-3", "c-1", Start)]));

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
    public async Task PendingEpisodesAreClaimedOnceOldestFirst()
    {
        var store = await NewStoreAsync();
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-1", "silo-a", LeaseTime);
        // Ids sort the other way round from creation times: the order must follow the times.
        var episodes = Enumerable.Range(0, 5).Select(i => Episode($"e-{9 - i}", "c-1", Start.AddSeconds(i))).ToList();
        await store.CreateEpisodesAsync(lease!, episodes);

        var a = await store.ClaimEpisodesAsync("silo-a", 3, LeaseTime);
        var b = await store.ClaimEpisodesAsync("silo-b", 10, LeaseTime);
        var c = await store.ClaimEpisodesAsync("silo-c", 10, LeaseTime);

        Assert.Equal(["e-9", "e-8", "e-7"], a.Select(x => x.Episode.Id));
        Assert.Equal(["e-6", "e-5"], b.Select(x => x.Episode.Id));
        Assert.Empty(c);
        Assert.All(a, x => Assert.Equal(new Lease(LeaseKinds.Episode, x.Episode.Id, "silo-a", 1, Start + LeaseTime), x.Lease));
        Assert.All(a.Concat(b), x => Assert.Equal(EpisodeStatus.Running, x.Episode.Status));
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync("e-9"))?.Status);
        Assert.Equal(new EpisodeCounts(0, 5, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1"));
    }

    [Fact]
    public async Task RunningEpisodeIsReclaimedAfterItsLeaseExpires()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-1", 1);
        var first = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 5, LeaseTime));
        await store.AppendTurnAsync(first.Lease, Turn(first.Episode.Id, 0));
        Time.Advance(LeaseTime - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await store.ClaimEpisodesAsync("silo-b", 5, LeaseTime));
        Time.Advance(TimeSpan.FromMilliseconds(1));

        var second = Assert.Single(await store.ClaimEpisodesAsync("silo-b", 5, LeaseTime));

        Assert.Equal(first.Episode.Id, second.Episode.Id);
        Assert.Equal(new Lease(LeaseKinds.Episode, first.Episode.Id, "silo-b", 2, Time.GetUtcNow() + LeaseTime), second.Lease);
        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(first.Lease, Turn(first.Episode.Id, 1)));
        await store.AppendTurnAsync(second.Lease, Turn(first.Episode.Id, 1, "resumed"));
        var turns = await store.GetTurnsAsync(first.Episode.Id);
        Assert.Equal(["c-1-r0-e0000 says line 0", "resumed"], turns.Select(t => t.Action.Argument));
    }

    [Fact]
    public async Task RenewedLeaseKeepsAClaimedEpisode()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-1", 1);
        Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await store.RenewAllAsync("silo-a", LeaseTime));
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Empty(await store.ClaimEpisodesAsync("silo-b", 1, LeaseTime));
    }

    [Fact]
    public async Task EpisodeWithALiveLeaseOfAnotherOwnerIsNotClaimed()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 2);
        await store.TryAcquireAsync(LeaseKinds.Episode, ids[0], "silo-a", LeaseTime);

        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-b", 2, LeaseTime));

        Assert.Equal(ids[1], claimed.Episode.Id);
    }

    [Fact]
    public async Task TurnsMustBeContiguousAndUnique()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-1", 1);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        var id = claimed.Episode.Id;
        await store.AppendTurnAsync(claimed.Lease, Turn(id, 0));
        await store.AppendTurnAsync(claimed.Lease, Turn(id, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(claimed.Lease, Turn(id, 3)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(claimed.Lease, Turn(id, 1, "again")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(claimed.Lease, Turn(id, 0, "again")));
        await store.AppendTurnAsync(claimed.Lease, Turn(id, 2));

        var turns = await store.GetTurnsAsync(id);
        Assert.Equal([0, 1, 2], turns.Select(t => t.Number));
        Assert.Equal(Json(Turn(id, 1)), Json(turns[1]));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task TurnKeepsEveryField()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-1", 1);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        var id = claimed.Episode.Id;
        var turns = new[]
        {
            new Turn(id, 0, 0, new AgentAction(ActionType.NonVerbalCommunication, "waves, smiling \"hi\" ☺"), "forced after one repair",
                new CallUsage("sim-policy-v1", 812, 37, 512, TimeSpan.FromMilliseconds(431.5))),
            new Turn(id, 1, 1, AgentAction.None),
            new Turn(id, 2, 0, AgentAction.Leave, null, CallUsage.Zero("m")),
        };
        foreach (var turn in turns)
        {
            await store.AppendTurnAsync(claimed.Lease, turn);
        }

        var stored = await store.GetTurnsAsync(id);

        Assert.Equal(turns.Select(Json), stored.Select(Json));
        Assert.Equal(turns, stored);
    }

    [Fact]
    public async Task AppendToAMissingEpisodeFails()
    {
        var store = await NewStoreAsync();
        var lease = await store.TryAcquireAsync(LeaseKinds.Episode, "ghost", "silo-a", LeaseTime);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendTurnAsync(lease!, Turn("ghost", 0)));

        Assert.Empty(await store.GetTurnsAsync("ghost"));
    }

    [Fact]
    public async Task ConcurrentAppendersStoreEveryTurnExactlyOnce()
    {
        const int Episodes = 200;
        const int Turns = 20;
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-load", Episodes);
        var claimed = await store.ClaimEpisodesAsync("silo-a", Episodes, TimeSpan.FromHours(1));
        Assert.Equal(Episodes, claimed.Count);

        async Task PlayAsync(ClaimedEpisode episode)
        {
            for (var n = 0; n < Turns; n++)
            {
                await store.AppendTurnAsync(episode.Lease, Turn(episode.Episode.Id, n));
            }
            await store.CompleteEpisodeAsync(episode.Lease,
                new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(6, 4), null, Time.GetUtcNow()));
        }

        // Writers with someone else's epoch run alongside: each of their writes fails alone, in the same batches.
        async Task<int> IntrudeAsync(ClaimedEpisode episode)
        {
            var refused = 0;
            for (var n = 0; n < 5; n++)
            {
                try
                {
                    await store.AppendTurnAsync(episode.Lease with { Epoch = episode.Lease.Epoch + 1 }, Turn(episode.Episode.Id, n, "intruder"));
                }
                catch (StaleEpochException)
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
    public async Task CompleteRecordsTheEndAndReleasesTheLease()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 5);
        var claimed = await store.ClaimEpisodesAsync("silo-a", 4, LeaseTime);
        var end = Time.GetUtcNow().AddSeconds(3);
        var outcome = Success(8, 3);

        await store.CompleteEpisodeAsync(claimed[0].Lease, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.Agent2Left, outcome, null, end));
        await store.CompleteEpisodeAsync(claimed[1].Lease, new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong,
            EvaluationOutcome.Failed(new EvaluationFailure("unparseable", "raw text")), null, end));
        await store.CompleteEpisodeAsync(claimed[2].Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint down", end));

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

        // Released: the owner can no longer write, the lease goes at once (epoch + 1), the episode is not re-claimed.
        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(claimed[0].Lease, Turn(ids[0], 0)));
        Assert.Equal(2, (await store.TryAcquireAsync(LeaseKinds.Episode, ids[0], "silo-b", LeaseTime))?.Epoch);
        Time.Advance(LeaseTime * 3);
        var reclaimed = await store.ClaimEpisodesAsync("silo-c", 10, LeaseTime);
        Assert.Equal([ids[3], ids[4]], reclaimed.Select(c => c.Episode.Id));
    }

    [Fact]
    public async Task CompletionMustMatchItsStatus()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-1", 1);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        var failedOutcome = EvaluationOutcome.Failed(new EvaluationFailure("bad"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(claimed.Lease,
            new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, failedOutcome, null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(claimed.Lease,
            new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong, Success(1, 1), null, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(claimed.Lease,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, " ", Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteEpisodeAsync(claimed.Lease,
            new EpisodeCompletion(EpisodeStatus.Pending, null, null, null, Start)));

        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(claimed.Episode.Id))?.Status);
    }

    [Fact]
    public async Task CancelEndsOnlyUnfinishedEpisodesOfTheCampaign()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-1", 3);
        var claimed = await store.ClaimEpisodesAsync("silo-a", 2, LeaseTime);
        Assert.Equal([ids[0], ids[1]], claimed.Select(c => c.Episode.Id));
        var others = await SeedEpisodesAsync(store, "c-2", 1);
        await store.CompleteEpisodeAsync(claimed[0].Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));

        var cancelled = await store.CancelEpisodesAsync("c-1");

        Assert.Equal(2, cancelled);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 1, 2), await store.CountEpisodesAsync("c-1"));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.GetEpisodeAsync(ids[1]))?.Status);
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(ids[0]))?.Status);
        // The owner of the running one is stopped; nothing of c-1 is claimable; c-2 is untouched.
        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(claimed[1].Lease, Turn(ids[1], 0)));
        var next = Assert.Single(await store.ClaimEpisodesAsync("silo-b", 10, LeaseTime));
        Assert.Equal(others[0], next.Episode.Id);
        Assert.Equal(0, await store.CancelEpisodesAsync("c-1"));
    }

    [Fact]
    public async Task CountsAndListsFilterByRoundAndMore()
    {
        var store = await NewStoreAsync();
        var round0 = await SeedEpisodesAsync(store, "c-1", 3, round: 0);
        var round1 = await SeedEpisodesAsync(store, "c-1", 2, round: 1);
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-1", "campaign-owner", TimeSpan.FromDays(1));
        await store.CreateEpisodesAsync(lease!, [Episode("c-1-eval", "c-1", Start.AddSeconds(1), round: 2, phase: "eval", scenarioId: "scenario-z")]);
        var claimed = await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime);

        Assert.Equal(new EpisodeCounts(2, 1, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 0));
        Assert.Equal(new EpisodeCounts(2, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-1", 1));
        Assert.Equal(6, (await store.CountEpisodesAsync("c-1")).Total);
        Assert.Equal(new EpisodeCounts(0, 0, 0, 0, 0, 0), await store.CountEpisodesAsync("c-other"));

        var all = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1" });
        Assert.Equal(6, all.Count);
        Assert.Equal([round0[2], "c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-1", Offset = 4 })).Select(e => e.Id));
        Assert.Equal(round1, (await store.ListEpisodesAsync(new EpisodeQuery { Round = 1 })).Select(e => e.Id));
        Assert.Equal([round0[1]], (await store.ListEpisodesAsync(new EpisodeQuery { Round = 0, Status = EpisodeStatus.Pending, Limit = 1 })).Select(e => e.Id));
        Assert.Equal([claimed[0].Episode.Id], (await store.ListEpisodesAsync(new EpisodeQuery { Status = EpisodeStatus.Running })).Select(e => e.Id));
        Assert.Equal(["c-1-eval"], (await store.ListEpisodesAsync(new EpisodeQuery { Phase = "eval", ScenarioId = "scenario-z" })).Select(e => e.Id));
        Assert.Empty(await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-2" }));
    }
}
