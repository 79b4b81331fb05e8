using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>silo-a claims an episode, its lease expires, silo-b re-claims it: a's lease is stale.</summary>
    private async Task<(ClaimedEpisode Stale, ClaimedEpisode Current)> TakeOverEpisodeAsync(ISotopiaStore store)
    {
        await SeedEpisodesAsync(store, "c-fence", 1);
        var stale = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        Time.Advance(LeaseTime);
        var current = Assert.Single(await store.ClaimEpisodesAsync("silo-b", 1, LeaseTime));
        Assert.Equal(stale.Episode.Id, current.Episode.Id);
        return (stale, current);
    }

    private async Task<(Lease Stale, Lease Current)> TakeOverCampaignAsync(ISotopiaStore store, string campaignId)
    {
        var stale = await store.TryAcquireAsync(LeaseKinds.Campaign, campaignId, "silo-a", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await store.TryAcquireAsync(LeaseKinds.Campaign, campaignId, "silo-b", LeaseTime);
        return (stale!, current!);
    }

    private async Task<((TrainingRequest Request, Lease Lease) Stale, (TrainingRequest Request, Lease Lease) Current)> TakeOverTrainingAsync(ISotopiaStore store)
    {
        await store.CreateTrainingRequestAsync(Training("tr-fence", Start));
        var stale = await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await store.ClaimTrainingRequestAsync("trainer-b", LeaseTime);
        Assert.NotNull(stale);
        Assert.NotNull(current);
        return (stale.Value, current.Value);
    }

    [Fact]
    public async Task StaleAppendTurnIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var (stale, current) = await TakeOverEpisodeAsync(store);

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(stale.Lease, Turn(stale.Episode.Id, 0)));

        Assert.Equal((LeaseKinds.Episode, stale.Episode.Id, 1L), (error.Kind, error.Key, error.Epoch));
        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Empty(await store.GetTurnsAsync(stale.Episode.Id));
        await store.AppendTurnAsync(current.Lease, Turn(current.Episode.Id, 0));
        Assert.Single(await store.GetTurnsAsync(current.Episode.Id));
    }

    [Fact]
    public async Task StaleCompleteEpisodeIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var (stale, current) = await TakeOverEpisodeAsync(store);

        await Assert.ThrowsAsync<StaleEpochException>(() => store.CompleteEpisodeAsync(stale.Lease,
            new EpisodeCompletion(EpisodeStatus.Failed, null, null, "gave up", Time.GetUtcNow())));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(stale.Episode.Id))?.Status);
        Assert.Equal(current.Lease, await store.GetLeaseAsync(LeaseKinds.Episode, stale.Episode.Id));
    }

    [Fact]
    public async Task StaleSaveCampaignIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("c-save", Start);
        await store.CreateCampaignAsync(campaign);
        var (stale, current) = await TakeOverCampaignAsync(store, campaign.Id);

        await Assert.ThrowsAsync<StaleEpochException>(() => store.SaveCampaignAsync(stale, campaign with { Stage = 7 }));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(0, (await store.GetCampaignAsync(campaign.Id))?.Stage);
        await store.SaveCampaignAsync(current, campaign with { Stage = 2 });
        Assert.Equal(2, (await store.GetCampaignAsync(campaign.Id))?.Stage);
    }

    [Fact]
    public async Task StaleCreateEpisodesIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var (stale, current) = await TakeOverCampaignAsync(store, "c-create");
        var episodes = new[] { Episode("e-1", "c-create", Start), Episode("e-2", "c-create", Start) };

        await Assert.ThrowsAsync<StaleEpochException>(() => store.CreateEpisodesAsync(stale, episodes));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(0, (await store.CountEpisodesAsync("c-create")).Total);
        Assert.Equal(2, await store.CreateEpisodesAsync(current, episodes));
    }

    [Fact]
    public async Task StaleTrainingProgressIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var (stale, current) = await TakeOverTrainingAsync(store);

        await Assert.ThrowsAsync<StaleEpochException>(() => store.ReportTrainingProgressAsync(stale.Lease, "epoch 1/3"));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Null((await store.GetTrainingRequestAsync("tr-fence"))?.Progress);
        await store.ReportTrainingProgressAsync(current.Lease, "epoch 2/3");
        Assert.Equal("epoch 2/3", (await store.GetTrainingRequestAsync("tr-fence"))?.Progress);
    }

    [Fact]
    public async Task StaleCompleteTrainingIsRefusedAndCounted()
    {
        var store = await NewStoreAsync();
        var (stale, current) = await TakeOverTrainingAsync(store);

        await Assert.ThrowsAsync<StaleEpochException>(() =>
            store.CompleteTrainingRequestAsync(stale.Lease, TrainingStatus.Succeeded, 2, null));

        Assert.Equal(1, store.StaleWritesRefused);
        var request = await store.GetTrainingRequestAsync("tr-fence");
        Assert.Equal((TrainingStatus.Running, (int?)null), (request?.Status, request?.PublishedVersion));
        Assert.Equal(current.Lease, await store.GetLeaseAsync(LeaseKinds.Training, "tr-fence"));
    }

    [Fact]
    public async Task WriteWithExpiredLeaseIsRefusedEvenWhenNobodyTookOver()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-exp", 1);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        Time.Advance(LeaseTime);

        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(claimed.Lease, Turn(claimed.Episode.Id, 0)));

        Assert.Equal(1, store.StaleWritesRefused);
        Assert.Equal(claimed.Lease, await store.GetLeaseAsync(LeaseKinds.Episode, claimed.Episode.Id));
    }

    [Fact]
    public async Task WriteWithForgedOwnerOrEpochIsRefused()
    {
        var store = await NewStoreAsync();
        await SeedEpisodesAsync(store, "c-forge", 1);
        var claimed = Assert.Single(await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime));
        var id = claimed.Episode.Id;

        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(claimed.Lease with { Epoch = 2 }, Turn(id, 0)));
        await Assert.ThrowsAsync<StaleEpochException>(() => store.AppendTurnAsync(claimed.Lease with { Owner = "silo-b" }, Turn(id, 0)));

        Assert.Equal(2, store.StaleWritesRefused);
        Assert.Empty(await store.GetTurnsAsync(id));
    }

    [Fact]
    public async Task LeaseOfAnotherObjectIsRejected()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-wrong", 2);
        var claimed = await store.ClaimEpisodesAsync("silo-a", 2, LeaseTime);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendTurnAsync(claimed[0].Lease, Turn(ids[1], 0)));

        Assert.Empty(await store.GetTurnsAsync(ids[1]));
    }
}
