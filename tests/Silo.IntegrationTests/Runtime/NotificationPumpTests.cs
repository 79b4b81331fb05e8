using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Runtime;

/// <summary>Store notifications wake the episode scheduler and the waiting campaign instead of their polls.
/// The waits below use timeouts far longer than any poll, so they can only end early through a wake-up.</summary>
public sealed class NotificationPumpTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task CreatedEpisodesWakeTheSchedulerAndFinishedOnesWakeTheirCampaign()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(dir.Combine("s.db"));
        var episodes = new WorkSignal();
        var campaigns = new CampaignWakeup();
        using var stop = new CancellationTokenSource();
        var pump = new NotificationPump(store, episodes, campaigns, NullLogger<NotificationPump>.Instance);
        await pump.StartAsync(stop.Token);
        try
        {
            Assert.True(await episodes.WaitAsync(Long, CancellationToken.None), "the subscription's resync should wake the scheduler once");
            var campaignWait = campaigns.WaitAsync("c1", Long, CancellationToken.None);

            var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, "c1", "owner", TimeSpan.FromMinutes(5));
            var episode = new EpisodeRecord
            {
                Id = "c1-e1", CampaignId = "c1", Round = 0, Phase = "bc", TaskId = "t", ScenarioId = "s", Agent1Id = "a", Agent2Id = "b",
                Seats = [new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "m"), new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "m")],
                Seed = 1,
            };
            await store.CreateEpisodesAsync(lease!, [episode]);
            Assert.True(await episodes.WaitAsync(Long, CancellationToken.None), "creating episodes should wake the scheduler");
            Assert.False(campaignWait.IsCompleted);

            var claim = Assert.Single(await store.ClaimEpisodesAsync("silo", 1, TimeSpan.FromMinutes(5)));
            await store.CompleteEpisodeAsync(claim.Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "test", DateTimeOffset.UtcNow));
            await campaignWait.WaitAsync(Long);
        }
        finally
        {
            await stop.CancelAsync();
            await pump.StopAsync(CancellationToken.None);
        }
    }
}
