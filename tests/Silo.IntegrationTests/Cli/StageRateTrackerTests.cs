using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>The watch's ETA comes from the recent completion rate and is shown only once enough episodes finished
/// within the window; a stalled stage loses its ETA.</summary>
public sealed class StageRateTrackerTests
{
    [Fact]
    public void NoEtaFromAFewEarlyCompletionsThenOneFromTheRecentRate()
    {
        var time = new FakeTimeProvider();
        var tracker = new StageRateTracker(time);
        tracker.Sample(Status(finished: 0, total: 1000));

        // Two episodes in the first second: a rate, but no ETA (it would claim ~8 minutes from two data points).
        time.Advance(TimeSpan.FromSeconds(1));
        var early = tracker.Sample(Status(finished: 2, total: 1000))[0];
        Assert.Equal(2.0, early.Rate);
        Assert.Null(early.Eta);

        // 20 more over the next 9 s: 22 in 10 s within the window → 2.2/s, 978 left → 444.5 s.
        time.Advance(TimeSpan.FromSeconds(9));
        var later = tracker.Sample(Status(finished: 22, total: 1000))[0];
        Assert.Equal(2.2, later.Rate!.Value, 6);
        Assert.Equal(978 / 2.2, later.Eta!.Value.TotalSeconds, 3);

        // The window slides: after a stall the old completions drop out and the ETA goes away.
        time.Advance(TimeSpan.FromSeconds(20));
        tracker.Sample(Status(finished: 22, total: 1000));
        time.Advance(TimeSpan.FromSeconds(20));
        var stalled = tracker.Sample(Status(finished: 22, total: 1000))[0];
        Assert.Equal(0.0, stalled.Rate);
        Assert.Null(stalled.Eta);
    }

    private static CampaignStatusResponse Status(int finished, int total)
    {
        var counts = new EpisodeCountsResponse { Completed = finished, Finished = finished, Pending = total - finished, Total = total };
        return new CampaignStatusResponse
        {
            Id = "c",
            Name = "c",
            Mode = CampaignMode.Eval,
            Status = CampaignStatus.Running,
            Stage = 0,
            Step = "playing",
            Stages = [new CampaignStageResponse { Index = 0, Kind = "evaluation", Label = "eval", Description = "eval", State = "playing", Episodes = counts }],
            Episodes = counts,
            Spec = new CampaignSpec(),
        };
    }
}
