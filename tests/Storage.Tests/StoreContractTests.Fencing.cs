using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>Episode fences: after a crash two activations of one episode grain can briefly coexist; every
/// activation begins the episode (taking the next fence), and only the newest one's writes are stored.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EachBeginTakesTheNextFenceAndSeesTheTurnsSoFar()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-fence", 1))[0];

        var first = await BeginAsync(store, id);
        await store.AppendTurnAsync(first.Fence!, Turn(id, 0));
        var second = await BeginAsync(store, id);

        Assert.Equal(new EpisodeFence(id, 1), first.Fence);
        Assert.Equal(new EpisodeFence(id, 2), second.Fence);
        Assert.Equal(EpisodeStatus.Running, first.Episode.Status);
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(id))?.Status);
        Assert.Empty(first.Turns);
        Assert.Equal([Json(Turn(id, 0))], second.Turns.Select(Json));
    }

    [Fact]
    public async Task StaleAppendTurnIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-fence", 1))[0];
        var stale = await BeginAsync(store, id);
        var current = await BeginAsync(store, id);

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(stale.Fence!, Turn(id, 0)));

        Assert.Contains($"'{id}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("fence 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Empty(await store.GetTurnsAsync(id));
        await store.AppendTurnAsync(current.Fence!, Turn(id, 0));
        Assert.Single(await store.GetTurnsAsync(id));
    }

    [Fact]
    public async Task StaleCompleteEpisodeIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-fence", 1))[0];
        var stale = await BeginAsync(store, id);
        var current = await BeginAsync(store, id);

        await Assert.ThrowsAsync<StaleWriteException>(() => store.CompleteEpisodeAsync(stale.Fence!,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Time.GetUtcNow())));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(id))?.Status);
        await store.CompleteEpisodeAsync(current.Fence!, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Time.GetUtcNow()));
        Assert.Equal(EpisodeStatus.Failed, (await store.GetEpisodeAsync(id))?.Status);
    }

    [Fact]
    public async Task AForgedFenceIsRefused()
    {
        var store = await NewStoreAsync();
        var id = (await SeedEpisodesAsync(store, "c-forge", 1))[0];
        var begun = await BeginAsync(store, id);

        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(begun.Fence! with { Value = 2 }, Turn(id, 0)));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(begun.Fence! with { Value = 0 }, Turn(id, 0)));

        Assert.Equal(2, store.StaleWritesRefused);
        Assert.Empty(await store.GetTurnsAsync(id));
    }

    [Fact]
    public async Task AFenceOfAnotherEpisodeIsABug()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-wrong", 2);
        var begun = await BeginAsync(store, ids[0]);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendTurnAsync(begun.Fence!, Turn(ids[1], 0)));

        Assert.Empty(await store.GetTurnsAsync(ids[1]));
        Assert.Equal(0, store.StaleWritesRefused);
    }

    [Fact]
    public async Task AFinishedEpisodeCannotBeBegunAgain()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-done", 2);
        var begun = await BeginAsync(store, ids[0]);
        await store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 0));
        await store.CompleteEpisodeAsync(begun.Fence!, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(5, 5), null, Start));
        await store.CancelEpisodesAsync("c-done");

        var again = await store.BeginEpisodeAsync(ids[0]);
        var cancelled = await store.BeginEpisodeAsync(ids[1]);

        // An activation of a finished episode reads it (to tell its campaign) but gets no fence to write with.
        Assert.NotNull(again);
        Assert.Null(again.Fence);
        Assert.Equal(EpisodeStatus.Completed, again.Episode.Status);
        Assert.Single(again.Turns);
        Assert.Equal((EpisodeStatus.Cancelled, (EpisodeFence?)null), (cancelled?.Episode.Status, cancelled?.Fence));
        Assert.Null(await store.BeginEpisodeAsync("missing"));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 1)));
    }

    [Fact]
    public async Task CancellingRefusesTheRunningActivationsNextWrite()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-cancel", 1);
        var begun = await BeginAsync(store, ids[0]);

        Assert.Equal(1, await store.CancelEpisodesAsync("c-cancel"));

        await Assert.ThrowsAsync<StaleWriteException>(() => store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 0)));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.CompleteEpisodeAsync(begun.Fence!,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "late", Start)));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.GetEpisodeAsync(ids[0]))?.Status);
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
            olds.Add(await BeginAsync(store, id));
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
        var news = await Task.WhenAll(ids.Select(id => Task.Run(() => BeginAsync(store, id))));
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
