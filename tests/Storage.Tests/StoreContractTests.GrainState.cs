using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    private const string GrainType = "campaign";

    [Fact]
    public async Task GrainStateIsWrittenReadAndReplacedWithNewETags()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ReadGrainStateAsync(GrainType, "g-1"));

        var first = await store.WriteGrainStateAsync(GrainType, "g-1", """{"$type":"x","stage":1,"text":"it's ☺"}""", null);
        Assert.Equal(new StoredGrainState("""{"$type":"x","stage":1,"text":"it's ☺"}""", first), await store.ReadGrainStateAsync(GrainType, "g-1"));

        var second = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":2}""", first);

        Assert.NotEqual(first, second);
        Assert.Equal(new StoredGrainState("""{"stage":2}""", second), await store.ReadGrainStateAsync(GrainType, "g-1"));
        // Grains of another type or id are separate.
        Assert.Null(await store.ReadGrainStateAsync("episode", "g-1"));
        Assert.Null(await store.ReadGrainStateAsync(GrainType, "g-2"));
        await store.WriteGrainStateAsync("episode", "g-1", "{}", null);
        Assert.Equal(new StoredGrainState("""{"stage":2}""", second), await store.ReadGrainStateAsync(GrainType, "g-1"));
    }

    [Fact]
    public async Task GrainStateWriteWithAnotherETagIsRefused()
    {
        var store = await NewStoreAsync();
        var first = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":1}""", null);
        var second = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":2}""", first);

        var stale = await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":3}""", first));
        var none = await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":3}""", null));
        var missing = await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync(GrainType, "g-2", """{"stage":3}""", first));

        Assert.Equal($"Grain state of campaign 'g-1' refused a write: the writer expected ETag '{first}' but the stored ETag is '{second}'.", stale.Message);
        Assert.Equal($"Grain state of campaign 'g-1' refused a write: the writer expected ETag none (no state stored) but the stored ETag is '{second}'.",
            none.Message);
        Assert.Equal($"Grain state of campaign 'g-2' refused a write: the writer expected ETag '{first}' but the stored ETag is none (no state stored).",
            missing.Message);
        Assert.Equal(new StoredGrainState("""{"stage":2}""", second), await store.ReadGrainStateAsync(GrainType, "g-1"));
        Assert.Null(await store.ReadGrainStateAsync(GrainType, "g-2"));
    }

    [Fact]
    public async Task GrainStateClearIsConditionalToo()
    {
        var store = await NewStoreAsync();
        var first = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":1}""", null);
        var second = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":2}""", first);

        var stale = await Assert.ThrowsAsync<StaleWriteException>(() => store.ClearGrainStateAsync(GrainType, "g-1", first));
        await Assert.ThrowsAsync<StaleWriteException>(() => store.ClearGrainStateAsync(GrainType, "g-1", null));
        Assert.Equal($"Grain state of campaign 'g-1' refused a clear: the writer expected ETag '{first}' but the stored ETag is '{second}'.", stale.Message);
        Assert.Equal(second, (await store.ReadGrainStateAsync(GrainType, "g-1"))?.ETag);

        await store.ClearGrainStateAsync(GrainType, "g-1", second);

        Assert.Null(await store.ReadGrainStateAsync(GrainType, "g-1"));
        await store.ClearGrainStateAsync(GrainType, "g-1", null);
        await Assert.ThrowsAsync<StaleWriteException>(() => store.ClearGrainStateAsync(GrainType, "g-1", second));
        // A writer that read the cleared state cannot write over a new one: ETags are never reused.
        var third = await store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":0}""", null);
        Assert.NotEqual(first, third);
        Assert.NotEqual(second, third);
        await Assert.ThrowsAsync<StaleWriteException>(() => store.WriteGrainStateAsync(GrainType, "g-1", """{"stage":9}""", second));
        Assert.Equal(0, store.StaleWritesRefused);
    }
}
