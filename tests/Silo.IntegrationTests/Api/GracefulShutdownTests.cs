using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A silo stopped gracefully in the middle of a campaign deactivates its grains (the turns in flight are
/// dropped, every stored turn stays); a silo started on the same store wakes the running campaign at once, and its
/// episodes resume from their last stored turn under a new fence and finish.</summary>
[Collection(ApiCollection.Name)]
public sealed class GracefulShutdownTests
{
    private const string CampaignId = "shutdown-test";
    private const int OpenTurns = 2;
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AStoppedSilosCampaignResumesOnTheNextSiloFromItsStoredTurns()
    {
        using var folder = new TempDirectory("sotopia-shutdown");
        var db = folder.Combine("sotopia.db");
        var gate = new PolicyGate(OpenTurns);

        Dictionary<string, Turn[]> turnsBefore = [];
        var first = await SiloTestHost.StartAsync(db, siloId: "silo-a", gate: gate);
        await using (first)
        {
            using (var created = await first.PostJsonAsync($"api/campaigns?id={CampaignId}", ApiSpecs.BcOnly))
            {
                await ApiAssert.SuccessAsync(created);
            }
            // Mid-campaign, exactly: every BC episode has played its first turns and waits in a model call.
            await gate.WhenHeldAsync(ApiSpecs.BcEpisodes).WaitAsync(Bounded);
            foreach (var episode in await first.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId }))
            {
                Assert.Equal(EpisodeStatus.Running, episode.Status);
                var turns = await first.Store.GetTurnsAsync(episode.Id);
                Assert.Equal(OpenTurns, turns.Length);
                Assert.Equal([1L], first.Observed.FencesOf(episode.Id));
                turnsBefore[episode.Id] = [.. turns];
            }

            await first.StopAsync();

            foreach (var (episodeId, turns) in turnsBefore)
            {
                Assert.Equal(EpisodeStatus.Running, (await first.Store.GetEpisodeAsync(episodeId))!.Status);
                Assert.Equal(turns, await first.Store.GetTurnsAsync(episodeId));
            }
            Assert.Equal(CampaignStatus.Running, (await first.Store.GetCampaignAsync(CampaignId))!.Status);
        }

        await using var second = await SiloTestHost.StartAsync(db, siloId: "silo-b");
        var done = await second.WaitForCampaignAsync(CampaignId, CampaignStatus.Completed);
        Assert.Equal(ApiSpecs.BcEpisodes, done.Stages[0].Episodes.Completed + done.Stages[0].Episodes.EvaluationFailed);
        Assert.Equal(1, Assert.Single(done.Rounds).ProducedVersion);

        foreach (var (episodeId, before) in turnsBefore)
        {
            var episode = await second.Store.GetEpisodeAsync(episodeId);
            Assert.True(episode!.Status is EpisodeStatus.Completed or EpisodeStatus.EvaluationFailed, $"{episodeId} is {episode.Status}");
            var turns = await second.Store.GetTurnsAsync(episodeId);
            Assert.Equal(Enumerable.Range(0, turns.Length), turns.Select(t => t.Number));
            Assert.True(turns.Length > before.Length, $"{episodeId} did not continue after the stop");
            Assert.Equal(before, turns.Take(before.Length));
            Assert.Equal([2L], second.Observed.FencesOf(episodeId));
        }
        Assert.Equal(0, second.Store.StaleWritesRefused);

        var silos = await second.Http.GetFromJsonAsync<SiloResponse[]>("api/silos", SotopiaJson.Options) ?? [];
        var self = Assert.Single(silos, s => s.IsSelf);
        Assert.Equal(("silo-b", SiloStatusNames.Active), (self.Id, self.Status));
        Assert.NotNull(self.GrainsActive);
    }
}
