using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>The span tree campaign create → round → episode → turn/judge with its ids, and the SotopiaPi metrics
/// agreeing with what the store holds, for a small BC campaign in the embedded runtime.</summary>
public sealed class TelemetryCampaignTests(TelemetryCampaignFixture fixture) : IClassFixture<TelemetryCampaignFixture>
{
    [Fact]
    public void TheCampaignTraceRunsFromItsCreationThroughTheRoundToEveryEpisodeAndTurn()
    {
        Assert.Equal(CampaignStatus.Completed, fixture.Campaign.Status);
        var spans = fixture.Recorder.Spans(fixture.Campaign.Id);
        var create = Assert.Single(spans, s => s.OperationName == SotopiaTelemetryNames.CampaignCreateSpan);
        Assert.Equal(create.Id, fixture.Campaign.TraceParent);

        var rounds = spans.Where(s => s.OperationName == SotopiaTelemetryNames.CampaignRoundSpan).ToList();
        var round = Assert.Single(rounds);
        Assert.Equal(round.Id, fixture.Campaign.StageTraceParent);
        Assert.Equal(create.TraceId, round.TraceId);
        Assert.Equal(create.SpanId, round.ParentSpanId);
        Assert.Equal(0, round.GetTagItem(SotopiaAttributes.Round));
        Assert.Equal("bc", round.GetTagItem(SotopiaAttributes.Phase));

        var episodes = spans.Where(s => s.OperationName == SotopiaTelemetryNames.EpisodeSpan).ToList();
        Assert.Equal(fixture.Episodes.Select(e => e.Id).Order(), episodes.Select(e => (string)e.GetTagItem(SotopiaAttributes.EpisodeId)!).Order());
        Assert.All(episodes, e =>
        {
            Assert.Equal(round.TraceId, e.TraceId);
            Assert.Equal(round.SpanId, e.ParentSpanId);
            Assert.Equal(0, e.GetTagItem(SotopiaAttributes.Round));
        });

        var bySpan = episodes.ToDictionary(e => e.SpanId);
        var turns = spans.Where(s => s.OperationName == SotopiaTelemetryNames.TurnSpan).ToList();
        Assert.Equal(fixture.Turns.Values.Sum(), turns.Count);
        foreach (var group in turns.GroupBy(t => (string)t.GetTagItem(SotopiaAttributes.EpisodeId)!))
        {
            Assert.Equal(fixture.Turns[group.Key], group.Count());
            Assert.All(group, t => Assert.Equal(group.Key, bySpan[t.ParentSpanId].GetTagItem(SotopiaAttributes.EpisodeId)));
            Assert.Equal(Enumerable.Range(0, fixture.Turns[group.Key]), group.Select(t => (int)t.GetTagItem(SotopiaAttributes.TurnNumber)!).Order());
            Assert.All(group, t => Assert.Equal(AgentRoles.Expert, t.GetTagItem(SotopiaAttributes.Role)));
        }

        var judges = spans.Where(s => s.OperationName == SotopiaTelemetryNames.JudgeSpan).ToList();
        Assert.Equal(fixture.Episodes.Count, judges.Count);
        Assert.All(judges, j => Assert.True(bySpan.ContainsKey(j.ParentSpanId)));
    }

    [Fact]
    public void TheMetricsAgreeWithWhatTheStoreHolds()
    {
        var played = fixture.Episodes.Count(e => e.Status is EpisodeStatus.Completed or EpisodeStatus.EvaluationFailed);
        Assert.True(fixture.Episodes.Count > 0);
        Assert.Equal(fixture.Episodes.Count, fixture.Recorder.Sum(SotopiaMetricNames.EpisodesStarted));
        Assert.Equal(played, fixture.Recorder.Sum(SotopiaMetricNames.EpisodesCompleted));
        Assert.Equal(fixture.Episodes.Count(e => e.Status == EpisodeStatus.EvaluationFailed), fixture.Recorder.Sum(SotopiaMetricNames.JudgeFailures));
        Assert.Equal(0, fixture.Recorder.Sum(SotopiaMetricNames.EpisodesFailed));
        Assert.Equal(fixture.Turns.Values.Sum(), fixture.Recorder.Sum(SotopiaMetricNames.Turns));
        Assert.Equal(fixture.Episodes.Count, fixture.Recorder.Sum(SotopiaMetricNames.EpisodeActivations));
        Assert.Equal(0, fixture.Recorder.Sum(SotopiaMetricNames.EpisodeResumes));

        var goals = fixture.Recorder.Measurements(SotopiaMetricNames.EpisodeScore)
            .Where(m => (string?)m.Tags[SotopiaAttributes.ScoreDimension] == "goal" && (string?)m.Tags[SotopiaAttributes.CampaignId] == fixture.Campaign.Id).ToList();
        var judged = fixture.Episodes.Where(e => e.Outcome is { Succeeded: true }).ToList();
        Assert.Equal(judged.Sum(e => e.ScoredSeats.Length), goals.Count);
        Assert.Equal(judged.SelectMany(e => e.ScoredSeats.Select(s => (double)e.Outcome!.Evaluation!.ForSeat(s).Goal)).Order(), goals.Select(g => g.Value).Order());

        var roundGoal = Assert.Single(fixture.Recorder.Measurements(SotopiaMetricNames.RoundScore),
            m => (string?)m.Tags[SotopiaAttributes.CampaignId] == fixture.Campaign.Id && (string?)m.Tags[SotopiaAttributes.ScoreDimension] == "goal");
        Assert.Equal(fixture.Campaign.Rounds[0].Scores!.Goal, roundGoal.Value, 9);
        Assert.Equal(0, roundGoal.Tags[SotopiaAttributes.Round]);

        // Read when the campaign had completed: nothing is playing, nothing pending is left, no write was refused.
        var active = Assert.Single(fixture.Recorder.Measurements(SotopiaMetricNames.EpisodesActive));
        Assert.Equal(0, active.Value);
        Assert.Equal(EmbeddedRuntime.SiloId, active.Tags[SotopiaAttributes.SiloId]);
        Assert.Equal(fixture.StaleWrites, Assert.Single(fixture.Recorder.Measurements(SotopiaMetricNames.StaleWritesRefused)).Value);
        Assert.DoesNotContain(fixture.Recorder.Measurements(SotopiaMetricNames.EpisodesPending), m => (string?)m.Tags[SotopiaAttributes.CampaignId] == fixture.Campaign.Id && m.Value > 0);
    }
}
