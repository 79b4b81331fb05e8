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

        Assert.True(await store.SaveCampaignAsync(campaign));

        Assert.Equal(Json(campaign), Json(await store.GetCampaignAsync("c-1")));
        Assert.Null(await store.GetCampaignAsync("c-2"));
    }

    [Fact]
    public async Task OnlyANewerRevisionReplacesACampaign()
    {
        // The campaign grain saves a projection of its state after each change, with a growing revision; a save
        // from an older activation (or one overtaken by a later save) must not put older data back.
        var store = await NewStoreAsync();
        var campaign = Campaign("c-1", Start) with { Revision = 3, Stage = 3 };
        Assert.True(await store.SaveCampaignAsync(campaign));

        Assert.False(await store.SaveCampaignAsync(campaign with { Revision = 2, Stage = 9 }));
        Assert.False(await store.SaveCampaignAsync(campaign with { Revision = 3, Stage = 9 }));
        Assert.Equal(3, (await store.GetCampaignAsync("c-1"))?.Stage);

        var later = campaign with { Revision = 4, Stage = 4, Status = CampaignStatus.Completed, UpdatedAt = Start.AddMinutes(5) };
        Assert.True(await store.SaveCampaignAsync(later));
        Assert.Equal(Json(later), Json(await store.GetCampaignAsync("c-1")));
        Assert.Equal(CampaignStatus.Completed, (await store.ListCampaignsAsync())[0].Status);
    }

    [Fact]
    public async Task CampaignsAreListedNewestFirst()
    {
        var store = await NewStoreAsync();
        await store.SaveCampaignAsync(Campaign("middle", Start.AddHours(1)));
        await store.SaveCampaignAsync(Campaign("oldest", Start));
        await store.SaveCampaignAsync(Campaign("newest", Start.AddHours(2)));

        Assert.Equal(["newest", "middle", "oldest"], (await store.ListCampaignsAsync()).Select(c => c.Id));
    }
}
