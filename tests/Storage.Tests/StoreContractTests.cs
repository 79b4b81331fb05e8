using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>The behaviour every <see cref="ISotopiaStore"/> must have. One subclass per database supplies the
/// store; all tests here run unchanged against each. Each test gets its own empty database.</summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly List<ISotopiaStore> _stores = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>A migrated store on a new, empty database that uses <paramref name="time"/> for every time.</summary>
    protected abstract Task<ISotopiaStore> CreateStoreAsync(TimeProvider time);

    /// <summary>A new store instance on the database of the last <see cref="CreateStoreAsync"/> (the previous
    /// instance has been disposed): what a restarted process sees.</summary>
    protected abstract Task<ISotopiaStore> ReopenStoreAsync(TimeProvider time);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<ISotopiaStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Time);
        _stores.Add(store);
        return store;
    }

    protected async Task<ISotopiaStore> ReopenAsync(ISotopiaStore previous)
    {
        await previous.DisposeAsync();
        var store = await ReopenStoreAsync(Time);
        _stores.Add(store);
        return store;
    }

    /// <summary>Creates <paramref name="count"/> pending episodes of a campaign, created 1 ms apart; returns their
    /// ids in creation order.</summary>
    protected static async Task<List<string>> SeedEpisodesAsync(ISotopiaStore store, string campaignId, int count, int round = 0)
    {
        var episodes = Enumerable.Range(0, count)
            .Select(i => Episode($"{campaignId}-r{round}-e{i:D4}", campaignId, Start.AddMilliseconds(i), round))
            .ToList();
        Assert.Equal(count, await store.CreateEpisodesAsync(episodes));
        return episodes.ConvertAll(e => e.Id);
    }

    /// <summary>Begins an episode that can be begun: its activation has a fence.</summary>
    protected static async Task<EpisodeActivation> BeginAsync(ISotopiaStore store, string episodeId)
    {
        var activation = await store.BeginEpisodeAsync(episodeId);
        Assert.NotNull(activation);
        Assert.NotNull(activation.Fence);
        return activation;
    }

    [Fact]
    public async Task MigrateIsIdempotentAndKeepsData()
    {
        var store = await NewStoreAsync();
        await store.SaveCampaignAsync(Campaign("c-1", Start));

        await store.MigrateAsync();
        await store.MigrateAsync();

        Assert.Equal("c-1", (await store.GetCampaignAsync("c-1"))?.Id);
        await store.SaveCampaignAsync(Campaign("c-2", Start));
        Assert.Equal(2, (await store.ListCampaignsAsync()).Count);
    }

    [Fact]
    public async Task DataSurvivesReopening()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-keep", 2);
        var begun = await BeginAsync(store, ids[0]);
        await store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 0));
        await store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 1));
        await store.SaveCampaignAsync(Campaign("c-keep", Start));
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.ActivateAsync("pol", 0);
        await store.CreateTrainingRequestAsync(Training("tr-keep", Start));
        await store.ImportDatasetAsync(Dataset());
        var etag = await store.WriteGrainStateAsync("campaign", "c-keep", """{"stage":2}""", null);

        store = await ReopenAsync(store);

        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(ids[0]))?.Status);
        Assert.Equal(EpisodeStatus.Pending, (await store.GetEpisodeAsync(ids[1]))?.Status);
        Assert.Equal([0, 1], (await store.GetTurnsAsync(ids[0])).Select(t => t.Number));
        Assert.Equal("c-keep", (await store.GetCampaignAsync("c-keep"))?.Id);
        Assert.Equal(0, (await store.GetActiveVersionAsync("pol"))?.Version);
        Assert.Equal("tr-keep", (await store.GetTrainingRequestAsync("tr-keep"))?.Id);
        Assert.Equal(Json(Dataset()), Json(await store.LoadDatasetAsync()));
        Assert.Equal(new StoredGrainState("""{"stage":2}""", etag), await store.ReadGrainStateAsync("campaign", "c-keep"));
        // The fence survives too: the activation keeps writing after the restart, and the next one takes fence 2.
        await store.AppendTurnAsync(begun.Fence!, Turn(ids[0], 2));
        Assert.Equal(3, (await store.GetTurnsAsync(ids[0])).Length);
        Assert.Equal(2, (await BeginAsync(store, ids[0])).Fence!.Value);
    }

    [Fact]
    public async Task CancelledWriteIsNotApplied()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.SaveCampaignAsync(Campaign("c-1", Start), new CancellationToken(canceled: true)));

        Assert.Null(await store.GetCampaignAsync("c-1"));
        Assert.Empty(await store.ListCampaignsAsync());
    }
}
