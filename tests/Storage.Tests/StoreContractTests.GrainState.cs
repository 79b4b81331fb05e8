using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Tests;

/// <summary>Grain state (Orleans' IGrainStorage over the store): every write names the ETag it read; a write that
/// names another one (a second activation wrote since) is refused and changes nothing.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task GrainStateIsWrittenOnlyOverTheETagItRead()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ReadGrainStateAsync("campaign", "c-1"));

        var first = await store.WriteGrainStateAsync("campaign", "c-1", """{ "stage": 1, "name": "é ☺" }""", null);
        var second = await store.WriteGrainStateAsync("campaign", "c-1", """{ "stage": 2 }""", first);

        Assert.NotEqual(first, second);
        // Stored byte for byte as written (no re-formatting, key order kept).
        Assert.Equal(new StoredGrainState("""{ "stage": 2 }""", second), await store.ReadGrainStateAsync("campaign", "c-1"));
        var stale = await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync("campaign", "c-1", """{ "stage": 9 }""", first));
        Assert.Contains("'c-1'", stale.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync("campaign", "c-1", """{ "stage": 9 }""", null));
        Assert.Equal(new StoredGrainState("""{ "stage": 2 }""", second), await store.ReadGrainStateAsync("campaign", "c-1"));
        // Another grain of the same type, or the same id of another type, is another state.
        Assert.Null(await store.ReadGrainStateAsync("campaign", "c-2"));
        Assert.Null(await store.ReadGrainStateAsync("training-queue", "c-1"));
    }

    [Fact]
    public async Task GrainStateIsClearedOnlyOverTheETagItRead()
    {
        var store = await NewStoreAsync();
        var etag = await store.WriteGrainStateAsync("queue", "default", "{}", null);

        await Assert.ThrowsAsync<StaleWriteException>(() => store.ClearGrainStateAsync("queue", "default", "not-the-etag"));
        Assert.NotNull(await store.ReadGrainStateAsync("queue", "default"));

        await store.ClearGrainStateAsync("queue", "default", etag);
        Assert.Null(await store.ReadGrainStateAsync("queue", "default"));
        // Clearing what is not there (and expecting nothing) is fine; a state written anew starts without an ETag.
        await store.ClearGrainStateAsync("queue", "default", null);
        await store.WriteGrainStateAsync("queue", "default", "{}", null);
    }

    [Fact]
    public async Task ConcurrentGrainStateWritersOverOneETagHaveOneWinner()
    {
        var store = await NewStoreAsync();
        var etag = await store.WriteGrainStateAsync("campaign", "c-race", "0", null);

        var writes = Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                return await store.WriteGrainStateAsync("campaign", "c-race", i.ToString(System.Globalization.CultureInfo.InvariantCulture), etag);
            }
            catch (StaleWriteException)
            {
                return null;
            }
        })).ToList();
        var results = await Task.WhenAll(writes);

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner, (await store.ReadGrainStateAsync("campaign", "c-race"))?.ETag);
    }
}
