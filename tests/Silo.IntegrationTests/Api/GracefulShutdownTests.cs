using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A silo stopped gracefully in the middle of a campaign stops claiming, cancels its in-flight turns
/// (the stored turns stay), and hands every lease back at once — episodes and the campaign — so another silo
/// resumes immediately (the leases here last five minutes, so nothing is explained by expiry) and finishes.</summary>
[Collection(ApiCollection.Name)]
public sealed class GracefulShutdownTests
{
    private const string CampaignId = "shutdown-test";
    private const int OpenTurns = 2;

    [Fact]
    public async Task AStoppedSiloHandsItsLeasesBackAndAnotherSiloFinishesTheCampaign()
    {
        using var folder = new TempDirectory("sotopia-shutdown");
        var db = folder.Combine("sotopia.db");
        var gate = new PolicyGate(OpenTurns);

        Dictionary<string, Turn[]> turnsBefore;
        var first = await SiloTestHost.StartAsync(db, siloId: "silo-a", gate: gate);
        await using (first)
        {
            using (var created = await first.PostJsonAsync($"api/campaigns?id={CampaignId}", ApiSpecs.BcOnly))
            {
                await ApiAssert.SuccessAsync(created);
            }
            // Mid-campaign, exactly: every BC episode has played its first turns and waits in a model call
            // (or, rarely, already ended before the gate).
            await gate.WhenHeldAsync(1).WaitAsync(TimeSpan.FromMinutes(2));
            await Wait.UntilAsync(
                async () => (await first.Store.CountEpisodesAsync(CampaignId, 0)) is { Total: ApiSpecs.BcEpisodes } counts && counts.Running == gate.Held,
                async () => $"round 0 counts {await first.Store.CountEpisodesAsync(CampaignId, 0)}, {gate.Held} agents held");
            var held = await first.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId, Status = EpisodeStatus.Running });
            Assert.NotEmpty(held);
            turnsBefore = [];
            foreach (var episode in held)
            {
                var turns = await first.Store.GetTurnsAsync(episode.Id);
                Assert.Equal(OpenTurns, turns.Length);
                turnsBefore[episode.Id] = [.. turns];
                var lease = await first.Store.GetLeaseAsync(LeaseKinds.Episode, episode.Id);
                Assert.Equal(("silo-a", 1L), (lease!.Owner.Split('#')[0], lease.Epoch));
                Assert.True(lease.ExpiresAt > DateTimeOffset.UtcNow);
            }
            var campaignLease = await first.Store.GetLeaseAsync(LeaseKinds.Campaign, CampaignId);
            Assert.Equal("silo-a", campaignLease!.Owner.Split('#')[0]);
            Assert.True(campaignLease.ExpiresAt > DateTimeOffset.UtcNow);

            await first.StopAsync();
            var stoppedAt = DateTimeOffset.UtcNow;

            foreach (var (episodeId, turns) in turnsBefore)
            {
                var episode = await first.Store.GetEpisodeAsync(episodeId);
                Assert.Equal(EpisodeStatus.Running, episode!.Status);
                Assert.Equal(turns, await first.Store.GetTurnsAsync(episodeId));
                var lease = await first.Store.GetLeaseAsync(LeaseKinds.Episode, episodeId);
                Assert.Equal(("silo-a", 1L), (lease!.Owner.Split('#')[0], lease.Epoch));
                Assert.True(lease.ExpiresAt <= stoppedAt, $"episode {episodeId}: lease still live until {lease.ExpiresAt:O} after the stop at {stoppedAt:O}");
            }
            campaignLease = await first.Store.GetLeaseAsync(LeaseKinds.Campaign, CampaignId);
            Assert.True(campaignLease!.ExpiresAt <= stoppedAt, $"campaign lease still live until {campaignLease.ExpiresAt:O} after the stop at {stoppedAt:O}");
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
            var lease = await second.Store.GetLeaseAsync(LeaseKinds.Episode, episodeId);
            Assert.Equal(("silo-b", 2L), (lease!.Owner.Split('#')[0], lease.Epoch));
        }
        var finalLease = await second.Store.GetLeaseAsync(LeaseKinds.Campaign, CampaignId);
        Assert.Equal(("silo-b", 2L), (finalLease!.Owner.Split('#')[0], finalLease.Epoch));
        Assert.Equal(0, second.Store.StaleWritesRefused);

        var silos = (await second.Http.GetFromJsonAsync<SiloResponse[]>("api/silos", SotopiaJson.Options) ?? []).ToDictionary(s => s.Id);
        Assert.Equal(["silo-a", "silo-b"], silos.Keys.Order());
        Assert.True(silos["silo-b"].IsSelf);
        Assert.Equal(SiloStatusNames.Active, silos["silo-b"].Status);
        Assert.True(silos["silo-b"].CompletedEpisodes >= turnsBefore.Count);
        Assert.Equal(SiloStatusNames.Dead, silos["silo-a"].Status);
        Assert.False(silos["silo-a"].IsSelf);
    }
}
