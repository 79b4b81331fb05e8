using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>With <c>SOTOPIA_API_TOKEN</c> set, every /api request needs <c>Authorization: Bearer &lt;token&gt;</c>;
/// the probes stay open; the token never appears in an answer.</summary>
[Collection(ApiCollection.Name)]
public sealed class TokenTests : IAsyncLifetime
{
    private const string Token = "test-token-0123456789abcdef";
    private readonly TempDirectory _folder = new("sotopia-api-token");
    private SiloTestHost? _silo;

    public async Task InitializeAsync() =>
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), token: Token, siloId: "token-silo", trainer: false);

    public async Task DisposeAsync()
    {
        await _silo!.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Basic " + Token)]
    [InlineData(Token)]
    public async Task RequestsWithoutTheRightTokenAreRefused(string? authorization)
    {
        foreach (var path in new[] { "api/campaigns", "api/silos", "api/policies/sotopia-pi", "api/no-such-area" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_silo!.BaseAddress, path));
            request.Headers.Authorization = null;
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            using var anonymous = new HttpClient();
            using var response = await anonymous.SendAsync(request);
            var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            var body = problem.ToString();
            Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheRightTokenIsAccepted()
    {
        using var response = await _silo!.Http.GetAsync("api/campaigns");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var unknown = await _silo.Http.GetAsync("api/no-such-area");
        await ApiAssert.ProblemAsync(unknown, HttpStatusCode.NotFound);

        using var lowerCaseScheme = new HttpClient { BaseAddress = _silo.BaseAddress };
        lowerCaseScheme.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await lowerCaseScheme.GetAsync("api/silos")).StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task ProbesNeedNoTokenButShowTheirChecksOnlyWithIt(string path)
    {
        using var anonymous = new HttpClient { BaseAddress = _silo!.BaseAddress };
        using var response = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy"}""", await response.Content.ReadAsStringAsync());

        using var authorized = await _silo.Http.GetAsync(path);
        Assert.Contains("\"checks\":[", await authorized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousReadinessSaysOnlyHealthyOrUnhealthy()
    {
        using var anonymous = new HttpClient { BaseAddress = _silo!.BaseAddress };
        using var response = await anonymous.GetAsync("/readyz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["status"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());

        using var withToken = await _silo.Http.GetAsync("/readyz");
        using var detailed = JsonDocument.Parse(await withToken.Content.ReadAsStringAsync());
        Assert.Equal(3, detailed.RootElement.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public void TheTokenIsNotInTheSettingsDescription()
    {
        var description = _silo!.Silo.Settings.ToString();
        Assert.DoesNotContain(Token, description, StringComparison.Ordinal);
        Assert.Contains("API token: required", description, StringComparison.Ordinal);
    }
}
