using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CampaignIsStoredAsGiven()
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("c-1", Start) with
        {
            Stage = 2,
            Step = "training",
            UsedScenarios = ["s-1", "s-2"],
            Rounds = [new RoundResult { Round = 0, Phase = "bc", Episodes = 10, Scores = new ScoreSummary { N = 20, Goal = 6.5, DimensionMeans = [1, 2, 3, 4, 5, 6, 7] } }],
        };

        await store.CreateCampaignAsync(campaign);

        Assert.Equal(Json(campaign), Json(await store.GetCampaignAsync("c-1")));
        Assert.Null(await store.GetCampaignAsync("c-2"));
    }

    [Fact]
    public async Task CreatingAnExistingCampaignFails()
    {
        var store = await NewStoreAsync();
        await store.CreateCampaignAsync(Campaign("c-1", Start));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateCampaignAsync(Campaign("c-1", Start) with { Stage = 5 }));

        Assert.Equal(0, (await store.GetCampaignAsync("c-1"))?.Stage);
    }

    [Fact]
    public async Task CampaignsAreListedNewestFirst()
    {
        var store = await NewStoreAsync();
        await store.CreateCampaignAsync(Campaign("middle", Start.AddHours(1)));
        await store.CreateCampaignAsync(Campaign("oldest", Start));
        await store.CreateCampaignAsync(Campaign("newest", Start.AddHours(2)));

        Assert.Equal(["newest", "middle", "oldest"], (await store.ListCampaignsAsync()).Select(c => c.Id));
    }

    [Fact]
    public async Task SaveCampaignWithCurrentLeaseReplacesTheRecord()
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("c-1", Start);
        await store.CreateCampaignAsync(campaign);
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-1", "silo-a", LeaseTime);
        var saved = campaign with { Stage = 3, Step = "done", Status = CampaignStatus.Completed, UpdatedAt = Start.AddMinutes(5) };

        await store.SaveCampaignAsync(lease!, saved);

        Assert.Equal(Json(saved), Json(await store.GetCampaignAsync("c-1")));
        var missingLease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-missing", "silo-a", LeaseTime);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveCampaignAsync(missingLease!, Campaign("c-missing", Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveCampaignAsync(lease!, Campaign("c-other", Start)));
    }

    [Theory]
    [InlineData(CampaignStatus.Paused)]
    [InlineData(CampaignStatus.Cancelled)]
    public async Task AnOperatorsPauseOrCancelSurvivesTheOwnersConcurrentSave(CampaignStatus operatorStatus)
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("c-1", Start);
        await store.CreateCampaignAsync(campaign);
        var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c-1", "silo-a", LeaseTime);
        await store.SetCampaignStatusAsync("c-1", operatorStatus);

        await store.SaveCampaignAsync(lease!, campaign with { Stage = 2, Status = CampaignStatus.Running });

        var stored = await store.GetCampaignAsync("c-1");
        Assert.Equal((2, operatorStatus), (stored!.Stage, stored.Status));
        Assert.Equal(operatorStatus, (await store.ListCampaignsAsync())[0].Status);

        await store.SaveCampaignAsync(lease!, campaign with { Stage = 3, Status = CampaignStatus.Failed, Error = "boom" });
        Assert.Equal(CampaignStatus.Failed, (await store.GetCampaignAsync("c-1"))!.Status);
    }

    [Fact]
    public async Task EpisodesOfAPausedCampaignAreNotClaimedUntilItResumes()
    {
        var store = await NewStoreAsync();
        await store.CreateCampaignAsync(Campaign("paused", Start));
        await store.CreateCampaignAsync(Campaign("running", Start));
        var paused = await SeedEpisodesAsync(store, "paused", 3);
        var running = await SeedEpisodesAsync(store, "running", 2);
        await store.SetCampaignStatusAsync("paused", CampaignStatus.Paused);

        var first = await store.ClaimEpisodesAsync("silo-a", 10, LeaseTime);
        Assert.Equal(running.Order(), first.Select(c => c.Episode.Id).Order());

        await store.SetCampaignStatusAsync("paused", CampaignStatus.Running);
        var second = await store.ClaimEpisodesAsync("silo-a", 10, LeaseTime);
        Assert.Equal(paused.Order(), second.Select(c => c.Episode.Id).Order());
    }

    [Fact]
    public async Task SetCampaignStatusChangesOnlyTheStatus()
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("c-1", Start) with { Stage = 4 };
        await store.CreateCampaignAsync(campaign);

        await store.SetCampaignStatusAsync("c-1", CampaignStatus.Paused);

        Assert.Equal(Json(campaign with { Status = CampaignStatus.Paused }), Json(await store.GetCampaignAsync("c-1")));
        Assert.Equal(CampaignStatus.Paused, (await store.ListCampaignsAsync())[0].Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetCampaignStatusAsync("c-missing", CampaignStatus.Cancelled));
    }
}
