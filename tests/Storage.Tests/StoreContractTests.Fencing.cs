using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>An activation begins an episode and plays a turn; a second activation begins it again.</summary>
    private async Task<(ISotopiaStore Store, string Id, EpisodeFence Stale, EpisodeFence Current)> TakeOverEpisodeAsync()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-fence", 1))[0];
        var stale = await BeginAsync(store, id);
        await store.AppendTurnAsync(stale, Turn(id, 0));
        var current = await BeginAsync(store, id);
        return (store, id, stale, current);
    }

    [Fact]
    public async Task SecondBeginMakesTheFirstFenceStaleForAppend()
    {
        var (store, id, stale, current) = await TakeOverEpisodeAsync();

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(stale, Turn(id, 1, "stale")));

        Assert.Equal($"Episode '{id}' refused turn 1 with fence 1: its current fence is 2 and its status running " +
            "(a newer activation began it or it was cancelled).", error.Message);
        Assert.Equal(1, store.StaleWritesRefused);
        await store.AppendTurnAsync(current, Turn(id, 1, "current"));
        Assert.Equal(["c-fence-r0-e0000 says line 0", "current"], (await store.GetTurnsAsync(id)).Select(t => t.Action.Argument));
    }

    [Fact]
    public async Task SecondBeginMakesTheFirstFenceStaleForComplete()
    {
        var (store, id, stale, current) = await TakeOverEpisodeAsync();

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => store.CompleteEpisodeAsync(stale,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Time.GetUtcNow())));

        Assert.Contains($"Episode '{id}' refused its completion with fence 1: its current fence is 2", error.Message);
        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(id))?.Status);
        await store.CompleteEpisodeAsync(current, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "current gave up", Time.GetUtcNow()));
        Assert.Equal("current gave up", (await store.GetEpisodeAsync(id))?.FailureReason);
    }

    [Fact]
    public async Task AppendAfterCancelIsRefused()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-cancel", 1))[0];
        var fence = await BeginAsync(store, id);
        await store.AppendTurnAsync(fence, Turn(id, 0));

        await store.CancelEpisodesAsync("c-cancel");

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(fence, Turn(id, 1)));
        Assert.Equal($"Episode '{id}' refused turn 1 with fence 1: its current fence is 2 and its status cancelled " +
            "(a newer activation began it or it was cancelled).", error.Message);
        await Assert.ThrowsAsync<StaleWriteException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "too late", Start)));
        Assert.Equal(2, store.StaleWritesRefused);
        Assert.Single(await store.GetTurnsAsync(id));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.GetEpisodeAsync(id))?.Status);
    }

    [Fact]
    public async Task CompleteTwiceIsRefused()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-twice", 1))[0];
        var fence = await BeginAsync(store, id);
        var first = new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(5, 5), null, Start.AddMinutes(1));
        await store.CompleteEpisodeAsync(fence, first);
        var completed = await store.GetEpisodeAsync(id);

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => store.CompleteEpisodeAsync(fence,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "again", Start.AddMinutes(2))));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(fence, Turn(id, 0)));

        Assert.Equal($"Episode '{id}' refused its completion with fence 1: its current fence is 1 and its status completed " +
            "(it is not running).", error.Message);
        Assert.Equal(2, store.StaleWritesRefused);
        Assert.Equal(Json(completed), Json(await store.GetEpisodeAsync(id)));
        Assert.Empty(await store.GetTurnsAsync(id));
    }

    [Fact]
    public async Task WriteWithAFenceNoActivationWasGivenIsRefused()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-forge", 2);
        var fence = await BeginAsync(store, ids[0]);

        var ahead = await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(fence with { Value = 2 }, Turn(ids[0], 0)));
        // Never begun: still pending, fence 0.
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(new EpisodeFence(ids[1], 0), Turn(ids[1], 0)));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(new EpisodeFence(ids[1], 1), Turn(ids[1], 0)));

        Assert.Contains("no activation was given that fence", ahead.Message);
        Assert.Equal(3, store.StaleWritesRefused);
        Assert.Empty(await store.GetTurnsAsync(ids[0]));
        Assert.Empty(await store.GetTurnsAsync(ids[1]));
        Assert.Equal(EpisodeStatus.Pending, (await store.GetEpisodeAsync(ids[1]))?.Status);
    }

    [Fact]
    public async Task FenceOfAnotherEpisodeIsRejected()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-wrong", 2);
        var fence = await BeginAsync(store, ids[0]);
        await BeginAsync(store, ids[1]);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendTurnAsync(fence, Turn(ids[1], 0)));

        Assert.Empty(await store.GetTurnsAsync(ids[1]));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task StaleRefusalIsCheckedBeforeContiguity()
    {
        var (store, id, stale, _) = await TakeOverEpisodeAsync();

        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(stale, Turn(id, 5)));

        Assert.Equal(1, store.StaleWritesRefused);
    }

    /// <summary>200 episodes played at once (group commit batches many writes per transaction), with stale writers
    /// alongside: every stale write fails alone, every current one is stored exactly once.</summary>
    [Fact]
    public async Task ConcurrentAppendersStoreEveryTurnExactlyOnce()
    {
        const int Episodes = 200;
        const int Turns = 20;
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-load", Episodes);
        var stale = new List<EpisodeFence>();
        var current = new List<EpisodeFence>();
        foreach (var id in ids)
        {
            stale.Add(await BeginAsync(store, id));
            current.Add(await BeginAsync(store, id));
        }

        async Task PlayAsync(EpisodeFence fence)
        {
            for (var n = 0; n < Turns; n++)
            {
                await store.AppendTurnAsync(fence, Turn(fence.EpisodeId, n));
            }
            await store.CompleteEpisodeAsync(fence,
                new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(6, 4), null, Time.GetUtcNow()));
        }

        async Task<int> IntrudeAsync(EpisodeFence fence)
        {
            var refused = 0;
            for (var n = 0; n < 5; n++)
            {
                try
                {
                    await store.AppendTurnAsync(fence, Turn(fence.EpisodeId, n, "intruder"));
                }
                catch (StaleWriteException)
                {
                    refused++;
                }
            }
            return refused;
        }

        var players = current.Select(f => Task.Run(() => PlayAsync(f))).ToList();
        var intruders = stale.Take(40).Select(f => Task.Run(() => IntrudeAsync(f))).ToList();
        await Task.WhenAll(players);
        var refused = await Task.WhenAll(intruders);

        Assert.Equal(40 * 5, refused.Sum());
        Assert.Equal(40 * 5, store.StaleWritesRefused);
        foreach (var id in ids)
        {
            var turns = await store.GetTurnsAsync(id);
            Assert.Equal(Enumerable.Range(0, Turns), turns.Select(t => t.Number));
            Assert.All(turns, t => Assert.Equal($"{id} says line {t.Number}", t.Action.Argument));
        }
        Assert.Equal(new EpisodeCounts(0, 0, Episodes, 0, 0, 0), await store.CountEpisodesAsync("c-load"));
    }

    [Fact]
    public async Task ConcurrentActivationsOfOneEpisodeNeverInterleaveTheirTurns()
    {
        // Two activations race: the old one appends as fast as it can while the new one begins. Every turn
        // stored after the new begin is the new activation's; the old one's writes after it are all refused.
        const int Episodes = 40;
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-race", Episodes);
        var olds = new List<EpisodeActivation>();
        foreach (var id in ids)
        {
            olds.Add((await store.BeginEpisodeAsync(id))!);
        }

        async Task<int> OldPlaysAsync(EpisodeActivation old)
        {
            for (var n = 0; n < 10; n++)
            {
                try
                {
                    await store.AppendTurnAsync(old.Fence!, Turn(old.Episode.Id, n, "old"));
                }
                catch (StaleWriteException)
                {
                    return n;
                }
            }
            return 10;
        }

        var playing = olds.Select(o => Task.Run(() => OldPlaysAsync(o))).ToList();
        var news = await Task.WhenAll(ids.Select(id => Task.Run(async () => (await store.BeginEpisodeAsync(id))!)));
        var written = await Task.WhenAll(playing);

        for (var i = 0; i < Episodes; i++)
        {
            // The new activation saw exactly the old turns that were committed before it began …
            var seen = news[i].Turns.Length;
            Assert.All(news[i].Turns, t => Assert.Equal("old", t.Action.Argument));
            // … and the old one stored none after that.
            Assert.Equal(seen, (await store.GetTurnsAsync(ids[i])).Length);
            Assert.Equal(written[i], seen);
            await store.AppendTurnAsync(news[i].Fence!, Turn(ids[i], seen, "new"));
        }
        Assert.Equal(written.Count(w => w < 10), store.StaleWritesRefused);
    }

}
