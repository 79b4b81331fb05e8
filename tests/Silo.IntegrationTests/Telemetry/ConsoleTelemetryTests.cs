using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>The console's embedded runtime uses the same service defaults: with the standard OTEL_* variables set,
/// <c>sotopia campaign start</c> exports its campaign's spans, the Orleans and SotopiaPi metrics and its logs, as
/// service <c>sotopia</c>.</summary>
public sealed class ConsoleTelemetryTests
{
    [Fact]
    public async Task AnEmbeddedCampaignIsExportedAsTheSotopiaService()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("spec.yaml"), """
            name: traced
            mode: bc
            scenarios_per_round: 2
            pairs_per_scenario: 2
            evaluation_pairs_per_scenario: 1
            trainer:
              epochs: 2
            seed: 3
            """);
        using var run = DotnetProcess.Start("sotopia.dll", ["--home", dir.Combine("home"), "campaign", "start", "--spec", dir.Combine("spec.yaml"), "--no-progress"],
            new Dictionary<string, string?>
            {
                [TelemetryVariables.Endpoint] = receiver.BaseAddress.ToString(),
                [TelemetryVariables.Protocol] = "http/protobuf",
                [TelemetryVariables.MetricExportInterval] = "500",
            });
        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, run.Output);

        // The host flushes its providers when it is disposed, before the process exits.
        var spans = receiver.Spans();
        Assert.Contains(spans, s => s.Name.StartsWith(SotopiaTelemetryNames.CampaignRoundSpan, StringComparison.Ordinal) && s.Resource.GetValueOrDefault("service.name") == "sotopia");
        Assert.Contains(spans, s => s.Name == SotopiaTelemetryNames.EpisodeSpan && s.Resource.GetValueOrDefault("service.name") == "sotopia");
        Assert.Contains(spans, s => s.Scope == "Microsoft.Orleans.Application");
        var metrics = receiver.Metrics();
        Assert.Contains(metrics, m => m.Scope == "Microsoft.Orleans");
        Assert.Contains(metrics, m => m.Scope == SotopiaTelemetryNames.MeterName && m.Name == SotopiaMetricNames.EpisodesStarted);
        Assert.Contains(receiver.Requests, r => r.Path == "/v1/logs");
    }
}
