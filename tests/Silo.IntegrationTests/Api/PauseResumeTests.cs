using System.Net;
using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Operator actions through the campaign's grain: pause stops a campaign from starting episodes and
/// advancing (those in flight finish), resume lets it finish, cancel ends it and its episodes; repeating a status is
/// harmless; acting on an ended campaign is a conflict.</summary>
[Collection(ApiCollection.Name)]
public sealed class PauseResumeTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(2);

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
        await gate.WhenHeldAsync(ApiSpecs.BcEpisodes).WaitAsync(Bounded);

        Assert.Equal(CampaignStatus.Running, (await PostAsync(silo, $"api/campaigns/{Id}/resume", HttpStatusCode.OK)).Status);

        var paused = await PostAsync(silo, $"api/campaigns/{Id}/pause", HttpStatusCode.OK);
        Assert.Equal(CampaignStatus.Paused, paused.Status);
        Assert.Equal("playing", paused.Step);
        Assert.Equal(CampaignStatus.Paused, (await PostAsync(silo, $"api/campaigns/{Id}/pause", HttpStatusCode.OK)).Status);
        var pausedRevision = (await silo.Store.GetCampaignAsync(Id))!.Revision;

        // Episodes in flight are played to their end; the campaign does not move on to training.
        gate.Open();
        await silo.Observed.WaitForCompletedEpisodesAsync(ApiSpecs.BcEpisodes, Bounded);
        var stored = await silo.Store.GetCampaignAsync(Id);
        Assert.Equal((CampaignStatus.Paused, 0, "playing", pausedRevision), (stored!.Status, stored.Stage, stored.Step, stored.Revision));
        Assert.Null(await silo.Store.GetTrainingRequestAsync($"{Id}-r0"));

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
    public async Task ACancelledCampaignEndsWithItsEpisodesAndTheirLateWritesAreRefused()
    {
        using var folder = new TempDirectory("sotopia-cancel");
        var gate = new PolicyGate(openTurns: 1);
        await using var silo = await SiloTestHost.StartAsync(folder.Combine("sotopia.db"), siloId: "cancel-silo", gate: gate);
        const string Id = "cancel-test";
        using (var created = await silo.PostJsonAsync($"api/campaigns?id={Id}", ApiSpecs.BcOnly))
        {
            await ApiAssert.SuccessAsync(created);
        }
        await gate.WhenHeldAsync(ApiSpecs.BcEpisodes).WaitAsync(Bounded);

        var cancelled = await PostAsync(silo, $"api/campaigns/{Id}/cancel", HttpStatusCode.OK);
        Assert.Equal(CampaignStatus.Cancelled, cancelled.Status);
        Assert.Equal(ApiSpecs.BcEpisodes, cancelled.Episodes.Total);
        Assert.Equal(ApiSpecs.BcEpisodes, cancelled.Episodes.Cancelled);

        using var resume = await silo.PostJsonAsync($"api/campaigns/{Id}/resume", "");
        await ApiAssert.ProblemAsync(resume, HttpStatusCode.Conflict);

        // The held agents answer now; their episodes' next writes carry a fence the cancel moved past.
        var refusedBefore = silo.Store.StaleWritesRefused;
        gate.Open();
        await silo.Observed.WaitForEpisodesAsync(
            () => silo.Store.StaleWritesRefused >= refusedBefore + ApiSpecs.BcEpisodes,
            $"the {ApiSpecs.BcEpisodes} cancelled episodes' next writes to be refused", Bounded);
        Assert.Equal(ApiSpecs.BcEpisodes, (await silo.Store.CountEpisodesAsync(Id)).Cancelled);
    }

    private static async Task<CampaignStatusResponse> PostAsync(SiloTestHost silo, string path, HttpStatusCode expected)
    {
        using var response = await silo.PostJsonAsync(path, "");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<CampaignStatusResponse>(SotopiaJson.Options))!;
    }
}
