using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>The behaviour every <see cref="ISotopiaStore"/> must have. One subclass per database supplies the
/// store; all tests here run unchanged against each. Each test gets its own empty database.</summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

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

    /// <summary>Creates <paramref name="count"/> pending episodes of a campaign, created 1 ms apart, under the
    /// campaign's lease; returns their ids in creation order.</summary>
    protected async Task<List<string>> SeedEpisodesAsync(ISotopiaStore store, string campaignId, int count, int round = 0)
    {
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, campaignId, "campaign-owner", TimeSpan.FromDays(1));
        Assert.NotNull(lease);
        var episodes = Enumerable.Range(0, count)
            .Select(i => Episode($"{campaignId}-r{round}-e{i:D4}", campaignId, Start.AddMilliseconds(i), round))
            .ToList();
        Assert.Equal(count, await store.CreateEpisodesAsync(lease, episodes));
        return episodes.ConvertAll(e => e.Id);
    }

    [Fact]
    public async Task MigrateIsIdempotentAndKeepsData()
    {
        var store = await NewStoreAsync();
        await store.CreateCampaignAsync(Campaign("c-1", Start));

        await store.MigrateAsync();
        await store.MigrateAsync();

        Assert.Equal("c-1", (await store.GetCampaignAsync("c-1"))?.Id);
        await store.CreateCampaignAsync(Campaign("c-2", Start));
        Assert.Equal(2, (await store.ListCampaignsAsync()).Count);
    }

    [Fact]
    public async Task DataSurvivesReopening()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-keep", 2);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        await store.AppendTurnAsync(claimed.Lease, Turn(claimed.Episode.Id, 0));
        await store.AppendTurnAsync(claimed.Lease, Turn(claimed.Episode.Id, 1));
        await store.CreateCampaignAsync(Campaign("c-keep", Start));
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.ActivateAsync("pol", 0);
        await store.CreateTrainingRequestAsync(Training("tr-keep", Start));
        await store.ImportDatasetAsync(Dataset());

        store = await ReopenAsync(store);

        var lease = await store.GetLeaseAsync(LeaseKinds.Episode, claimed.Episode.Id);
        Assert.Equal(claimed.Lease, lease);
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(ids[0]))?.Status);
        Assert.Equal(EpisodeStatus.Pending, (await store.GetEpisodeAsync(ids[1]))?.Status);
        Assert.Equal([0, 1], (await store.GetTurnsAsync(ids[0])).Select(t => t.Number));
        Assert.Equal("c-keep", (await store.GetCampaignAsync("c-keep"))?.Id);
        Assert.Equal(0, (await store.GetActiveVersionAsync("pol"))?.Version);
        Assert.Equal("tr-keep", (await store.GetTrainingRequestAsync("tr-keep"))?.Id);
        Assert.Equal(Json(Dataset()), Json(await store.LoadDatasetAsync()));
        // The fencing state survives too: the owner keeps writing with its lease after the restart.
        await store.AppendTurnAsync(claimed.Lease, Turn(claimed.Episode.Id, 2));
        Assert.Equal(3, (await store.GetTurnsAsync(ids[0])).Length);
    }

    [Fact]
    public async Task CancelledWriteIsNotApplied()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.CreateCampaignAsync(Campaign("c-1", Start), new CancellationToken(canceled: true)));

        Assert.Null(await store.GetCampaignAsync("c-1"));
        Assert.Empty(await store.ListCampaignsAsync());
    }
}
