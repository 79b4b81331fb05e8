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
            Revision = 1,
            Stage = 2,
            Step = "training",
            UsedScenarios = ["s-1", "s-2"],
            Rounds = [new RoundResult { Round = 0, Phase = "bc", Episodes = 10, Scores = new ScoreSummary { N = 20, Goal = 6.5, DimensionMeans = [1, 2, 3, 4, 5, 6, 7] } }],
        };

        Assert.True(await store.SaveCampaignAsync(campaign));

        Assert.Equal(Json(campaign), Json(await store.GetCampaignAsync("c-1")));
        Assert.Null(await store.GetCampaignAsync("c-2"));
    }

    [Fact]
    public async Task HigherRevisionReplacesTheCampaign()
    {
        var store = await NewStoreAsync();
        await store.SaveCampaignAsync(Campaign("c-1", Start) with { Revision = 1 });
        var saved = Campaign("c-1", Start) with
        {
            Revision = 2, Stage = 3, Step = "done", Status = CampaignStatus.Completed, UpdatedAt = Start.AddMinutes(5),
        };

        Assert.True(await store.SaveCampaignAsync(saved));

        Assert.Equal(Json(saved), Json(await store.GetCampaignAsync("c-1")));
        Assert.Equal(CampaignStatus.Completed, Assert.Single(await store.ListCampaignsAsync()).Status);
        Assert.True(await store.SaveCampaignAsync(saved with { Revision = 10, Stage = 4 }));
        Assert.Equal((10L, 4), ((await store.GetCampaignAsync("c-1"))!.Revision, (await store.GetCampaignAsync("c-1"))!.Stage));
    }

    [Fact]
    public async Task OlderOrSameRevisionLeavesTheStoredCampaign()
    {
        var store = await NewStoreAsync();
        var stored = Campaign("c-1", Start) with { Revision = 5, Stage = 5, Status = CampaignStatus.Paused };
        await store.SaveCampaignAsync(stored);

        Assert.False(await store.SaveCampaignAsync(stored with { Revision = 4, Stage = 4, Status = CampaignStatus.Running }));
        Assert.False(await store.SaveCampaignAsync(stored with { Revision = 5, Stage = 6 }));
        Assert.False(await store.SaveCampaignAsync(stored with { Revision = 0, Stage = 0 }));

        Assert.Equal(Json(stored), Json(await store.GetCampaignAsync("c-1")));
        Assert.Equal(CampaignStatus.Paused, Assert.Single(await store.ListCampaignsAsync()).Status);
    }

    [Fact]
    public async Task CampaignsAreListedNewestFirst()
    {
        var store = await NewStoreAsync();
        await store.SaveCampaignAsync(Campaign("middle", Start.AddHours(1)));
        await store.SaveCampaignAsync(Campaign("oldest", Start));
        await store.SaveCampaignAsync(Campaign("newest", Start.AddHours(2)));
        // Equal times: the latest created first.
        await store.SaveCampaignAsync(Campaign("same-1", Start.AddHours(1)));
        await store.SaveCampaignAsync(Campaign("same-2", Start.AddHours(1)));
        await store.SaveCampaignAsync(Campaign("older", Start.AddMinutes(-1)));

        Assert.Equal(["newest", "same-2", "same-1", "middle", "oldest", "older"], (await store.ListCampaignsAsync()).Select(c => c.Id));
    }
}
