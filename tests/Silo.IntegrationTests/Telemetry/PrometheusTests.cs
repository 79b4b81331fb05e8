using System.Net;
using SotopiaPi.Silo.IntegrationTests.Api;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>The optional Prometheus scrape endpoint: <c>/metrics</c> with <c>--prometheus</c> (no OTLP endpoint needed),
/// behind the API token; absent without the setting.</summary>
[Collection(ApiCollection.Name)]
public sealed class PrometheusTests
{
    private const string Token = "prometheus-token-0123456789abcdef";

    [Fact]
    public async Task WithPrometheusOnTheSiloServesItsMetricsToTheTokenHolderOnly()
    {
        using var home = new TempDirectory();
        await using var silo = await SiloTestHost.StartAsync(home.Combine("silo.db"), token: Token, siloId: "prometheus-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["prometheus"] = "true" });
        Assert.True(silo.Silo.Settings.Prometheus);
        Assert.EndsWith("; Prometheus: /metrics", silo.Silo.Settings.ToString(), StringComparison.Ordinal);

        using var scrape = await silo.Http.GetAsync("metrics");
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE orleans_", text, StringComparison.Ordinal);
        Assert.Contains("service_instance_id=\"prometheus-silo\"", text, StringComparison.Ordinal);

        using var anonymous = new HttpClient { BaseAddress = silo.BaseAddress };
        using var refused = await anonymous.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task WithoutTheSettingThereIsNoMetricsEndpoint()
    {
        using var home = new TempDirectory();
        await using var silo = await SiloTestHost.StartAsync(home.Combine("silo.db"), token: Token, siloId: "plain-silo", trainer: false);
        Assert.False(silo.Silo.Settings.Prometheus);
        using var response = await silo.Http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
