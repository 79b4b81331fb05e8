using System.Net;
using System.Text;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.IntegrationTests.Api;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>A silo configured with the standard OTEL_* settings exports its spans and metrics with OTLP/HTTP to a
/// local receiver, and the trace of a campaign continues the traceparent the console's API call carried.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task SiloExportsTheCampaignTraceAndMetricsToTheOtlpEndpoint()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var home = new TempDirectory();
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        string campaignId;
        CampaignRecord stored;
        await using (var silo = await SiloTestHost.StartAsync(home.Combine("silo.db"), siloId: "otlp-silo", settings: new Dictionary<string, string?>
        {
            [TelemetryVariables.Endpoint] = receiver.BaseAddress.ToString(),
            [TelemetryVariables.Protocol] = "http/protobuf",
            [TelemetryVariables.ResourceAttributes] = "deployment.environment=test",
        }))
        {
            Assert.Equal("OTLP " + receiver.BaseAddress.GetLeftPart(UriPartial.Authority), silo.Silo.Settings.Telemetry);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/campaigns")
            {
                Content = new StringContent(ApiSpecs.BcOnly, Encoding.UTF8, "application/json"),
            };
            // The console's span: HttpClient (instrumented here too, the silo runs in this process) sends its traceparent.
            using var console = new System.Diagnostics.Activity("console").SetParentId($"00-{traceId}-00f067aa0ba902b7-01").Start();
            using var response = await silo.Http.SendAsync(request);
            console.Stop();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            campaignId = response.Headers.Location!.OriginalString.Split('/')[^1];
            await silo.WaitForCampaignAsync(campaignId, CampaignStatus.Completed);
            stored = (await silo.Store.GetCampaignAsync(campaignId))!;
            // Stopping flushes the exporters (they stop after the silo's services).
            await silo.StopAsync();
        }

        Assert.StartsWith($"00-{traceId}-", stored.TraceParent, StringComparison.Ordinal);
        Assert.StartsWith($"00-{traceId}-", stored.StageTraceParent, StringComparison.Ordinal);

        var traces = receiver.Bodies("/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
        var ours = traces.Where(b => Contains(b, Convert.FromHexString(traceId))).ToList();
        Assert.NotEmpty(ours);
        Assert.Contains(ours, b => Contains(b, "sotopia-silo") && Contains(b, "otlp-silo") && Contains(b, "deployment.environment"));
        foreach (var span in new[] { SotopiaTelemetryNames.CampaignCreateSpan, SotopiaTelemetryNames.CampaignRoundSpan, SotopiaTelemetryNames.EpisodeSpan, SotopiaTelemetryNames.TurnSpan })
        {
            Assert.Contains(ours, b => Contains(b, span));
        }
        Assert.Contains(ours, b => Contains(b, campaignId));

        var metrics = receiver.Bodies("/v1/metrics").ToList();
        Assert.Contains(metrics, b => Contains(b, "sotopia-silo") && Contains(b, SotopiaMetricNames.EpisodesStarted) && Contains(b, SotopiaMetricNames.Turns));
    }

    [Fact]
    public async Task AnUnusableOtelSettingStopsTheSiloNamingTheVariable()
    {
        using var home = new TempDirectory();
        var error = await Assert.ThrowsAsync<SiloConfigurationException>(() => SiloTestHost.StartAsync(home.Combine("silo.db"), settings: new Dictionary<string, string?>
        {
            [TelemetryVariables.Endpoint] = "collector:4317",
            [TelemetryVariables.Protocol] = "http/json",
        }));
        Assert.Contains(error.Problems, p => p.StartsWith($"{TelemetryVariables.Endpoint}: 'collector:4317' is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith($"{TelemetryVariables.Protocol}: 'http/json' is not supported", StringComparison.Ordinal));
    }

    private static bool Contains(byte[] body, string text) => Contains(body, Encoding.UTF8.GetBytes(text));

    private static bool Contains(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;
}
