using System.Net;
using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Operator actions: pause stops a campaign from advancing (its owner lets go of it), resume lets it
/// finish, cancel ends it and its episodes; repeating a status is harmless; acting on an ended campaign is a
/// conflict.</summary>
[Collection(ApiCollection.Name)]
public sealed class PauseResumeTests
{
    [Fact]
    public async Task APausedCampaignStopsAdvancingAndResumesToTheEnd()
    {
        using var folder = new TempDirectory("sotopia-pause");
        var gate = new PolicyGate(openTurns: 2);
        await using var silo = await SiloTestHost.StartAsync(folder.Combine("sotopia.db"), siloId: "pause-silo", gate: gate);
        const string Id = "pause-test";
        using (var created = await silo.PostJsonAsync($"api/campaigns?id={Id}", ApiSpecs.BcOnly))
        {
            await ApiAssert.SuccessAsync(created);
        }
        await gate.WhenHeldAsync(1).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(CampaignStatus.Running, (await PostAsync(silo, $"api/campaigns/{Id}/resume", HttpStatusCode.OK)).Status);

        var paused = await PostAsync(silo, $"api/campaigns/{Id}/pause", HttpStatusCode.OK);
        Assert.Equal(CampaignStatus.Paused, paused.Status);
        Assert.Equal("playing", paused.Step);
        Assert.True(await LeaseIsFreeAsync(silo, Id), "the owner must let go of a paused campaign");
        Assert.Equal(CampaignStatus.Paused, (await PostAsync(silo, $"api/campaigns/{Id}/pause", HttpStatusCode.OK)).Status);

        // Episodes already created are still played; the campaign does not move on to training.
        gate.Open();
        await Wait.UntilAsync(
            async () => (await silo.Store.CountEpisodesAsync(Id, 0)) is { Total: ApiSpecs.BcEpisodes } c && c.Finished == c.Total,
            async () => $"round 0 counts {await silo.Store.CountEpisodesAsync(Id, 0)}");
        var stored = await silo.Store.GetCampaignAsync(Id);
        Assert.Equal((CampaignStatus.Paused, 0, "playing"), (stored!.Status, stored.Stage, stored.Step));
        Assert.Null(await silo.Store.GetTrainingRequestAsync($"{Id}-r0"));
        Assert.True(await LeaseIsFreeAsync(silo, Id), "nobody may drive a paused campaign");

        var resumed = await PostAsync(silo, $"api/campaigns/{Id}/resume", HttpStatusCode.OK);
        Assert.Equal(CampaignStatus.Running, resumed.Status);
        var done = await silo.WaitForCampaignAsync(Id, CampaignStatus.Completed);
        Assert.Equal(1, Assert.Single(done.Rounds).ProducedVersion);

        foreach (var action in new[] { "pause", "resume", "cancel" })
        {
            using var response = await silo.PostJsonAsync($"api/campaigns/{Id}/{action}", "");
            var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict);
            Assert.Contains("completed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ACancelledCampaignEndsWithItsEpisodes()
    {
        using var folder = new TempDirectory("sotopia-cancel");
        var gate = new PolicyGate(openTurns: 1);
        await using var silo = await SiloTestHost.StartAsync(folder.Combine("sotopia.db"), siloId: "cancel-silo", gate: gate);
        const string Id = "cancel-test";
        using (var created = await silo.PostJsonAsync($"api/campaigns?id={Id}", ApiSpecs.BcOnly))
        {
            await ApiAssert.SuccessAsync(created);
        }
        await gate.WhenHeldAsync(1).WaitAsync(TimeSpan.FromMinutes(2));

        var cancelled = await PostAsync(silo, $"api/campaigns/{Id}/cancel", HttpStatusCode.OK);
        Assert.Equal(CampaignStatus.Cancelled, cancelled.Status);
        Assert.Equal(ApiSpecs.BcEpisodes, cancelled.Episodes.Total);
        Assert.Equal(cancelled.Episodes.Total, cancelled.Episodes.Cancelled + cancelled.Episodes.Completed + cancelled.Episodes.EvaluationFailed);
        Assert.True(cancelled.Episodes.Cancelled > 0);
        Assert.True(await LeaseIsFreeAsync(silo, Id));

        using var resume = await silo.PostJsonAsync($"api/campaigns/{Id}/resume", "");
        await ApiAssert.ProblemAsync(resume, HttpStatusCode.Conflict);
        gate.Open();
    }

    private static async Task<bool> LeaseIsFreeAsync(SiloTestHost silo, string campaignId) =>
        await silo.Store.GetLeaseAsync(LeaseKinds.Campaign, campaignId) is not { } lease || lease.ExpiresAt <= DateTimeOffset.UtcNow;

    private static async Task<CampaignStatusResponse> PostAsync(SiloTestHost silo, string path, HttpStatusCode expected)
    {
        using var response = await silo.PostJsonAsync(path, "");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<CampaignStatusResponse>(SotopiaJson.Options))!;
    }
}
