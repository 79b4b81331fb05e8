using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Telemetry;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>The instruments the LLM gateway and the trainer record into, and the pending-episodes gauge.</summary>
public sealed class SotopiaInstrumentsTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly SotopiaInstruments _instruments;
    private readonly TelemetryRecorder _recorder = new();

    public SotopiaInstrumentsTests()
    {
        _services = new ServiceCollection().AddSotopiaInstruments().BuildServiceProvider();
        _recorder.ListenTo(_services.GetRequiredService<IMeterFactory>());
        _instruments = _services.GetRequiredService<SotopiaInstruments>();
    }

    [Fact]
    public void PendingEpisodesAreReportedPerCampaignUntilTheCampaignLeaves()
    {
        _instruments.CampaignQueueObserved("c1", 40);
        _instruments.CampaignQueueObserved("c2", 7);
        _instruments.CampaignQueueObserved("c1", 25);
        _recorder.Observe();
        _instruments.CampaignReleased("c1");
        _recorder.Observe();

        var pending = _recorder.Measurements(SotopiaMetricNames.EpisodesPending);
        Assert.Equal([("c1", 25.0), ("c2", 7.0), ("c2", 7.0)], pending.Select(m => ((string)m.Tags[SotopiaAttributes.CampaignId]!, m.Value)).OrderBy(p => p.Item1));
    }

    [Fact]
    public void LlmCallsRecordLatencyAndTokensByRoleAndModel()
    {
        _instruments.LlmCallCompleted(AgentRoles.Judge, "gpt-4o", TimeSpan.FromMilliseconds(1500), 1200, 300, 1000, succeeded: true);
        _instruments.LlmCallCompleted(AgentRoles.Policy, "sotopia-pi-v3", TimeSpan.FromSeconds(2), 800, 40, 0, succeeded: false);
        _instruments.LlmRateLimitWaited(AgentRoles.Judge, "gpt-4o", "tokens", TimeSpan.FromSeconds(3));
        _instruments.LlmRetried(AgentRoles.Judge, "gpt-4o", "rate_limited");

        var latency = _recorder.Measurements(SotopiaMetricNames.LlmCallDuration);
        Assert.Equal([1.5, 2.0], latency.Select(m => m.Value).Order());
        Assert.Equal("failed", latency.Single(m => (string?)m.Tags[SotopiaAttributes.Role] == AgentRoles.Policy).Tags[SotopiaAttributes.Outcome]);
        Assert.Equal(1000, _recorder.Sum(SotopiaMetricNames.LlmTokens, t => (string?)t[SotopiaAttributes.TokenType] == "cached"));
        Assert.Equal(2000, _recorder.Sum(SotopiaMetricNames.LlmTokens, t => (string?)t[SotopiaAttributes.TokenType] == "input"));
        Assert.Equal(300, _recorder.Sum(SotopiaMetricNames.LlmTokens, t => (string?)t[SotopiaAttributes.Model] == "gpt-4o" && (string?)t[SotopiaAttributes.TokenType] == "output"));
        Assert.Equal(1, _recorder.Sum(SotopiaMetricNames.LlmRateLimitWaits, t => (string?)t[SotopiaAttributes.LimitReason] == "tokens"));
        Assert.Equal(3, _recorder.Sum(SotopiaMetricNames.LlmRateLimitWaitDuration));
        Assert.Equal(1, _recorder.Sum(SotopiaMetricNames.LlmRetries));
    }

    [Fact]
    public void TrainerStagesAndRequestsRecordTheirDurations()
    {
        _instruments.TrainerStageCompleted("training", "external", TimeSpan.FromMinutes(20), succeeded: true);
        _instruments.TrainerRequestCompleted("external", TimeSpan.FromMinutes(25), succeeded: true);
        var durations = _recorder.Measurements(SotopiaMetricNames.TrainerDuration);
        Assert.Equal([("request", 1500.0), ("training", 1200.0)], durations.Select(m => ((string)m.Tags[SotopiaAttributes.TrainerStage]!, m.Value)).Order());
        Assert.Equal(1, _recorder.Sum(SotopiaMetricNames.TrainerRequests, t => (string?)t[SotopiaAttributes.Outcome] == "succeeded"));
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }
}
