using System.Net;
using System.Net.Http.Headers;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>The Orleans dashboard under <c>/orleans</c> on a silo listening off loopback (all interfaces, so it
/// must have a token): refused without the token, served with the bearer header or with the session cookie that
/// <c>POST /api/orleans/session</c> sets for a token holder.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrleansDashboardTests : IAsyncLifetime
{
    private const string Token = "orleans-token-0123456789abcdef";
    private readonly TempDirectory _folder = new("sotopia-orleans-dashboard");
    private SiloTestHost? _silo;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), token: Token, siloId: "orleans-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:0" });
        _address = new Uri($"http://127.0.0.1:{new Uri(_silo.Silo.Addresses[0]).Port}/");
    }

    public async Task DisposeAsync()
    {
        await _silo!.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    public async Task TheOrleansDashboardIsRefusedWithoutTheToken(string? authorization)
    {
        Assert.Contains("http://0.0.0.0:", _silo!.Silo.Addresses[0], StringComparison.Ordinal);
        using var anonymous = new HttpClient { BaseAddress = _address };
        foreach (var path in new[] { "orleans", "orleans/", "orleans/index.html", "ORLEANS/", "orleans/DashboardCounters", "api/orleans/session" })
        {
            using var request = new HttpRequestMessage(path.StartsWith("api", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            request.Headers.TryAddWithoutValidation("Cookie", "sotopia-orleans=00FF");
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)response.StatusCode} without the token");
            Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheOrleansDashboardIsServedWithTheBearerToken()
    {
        using var client = new HttpClient { BaseAddress = _address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var page = await client.GetAsync("orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookieOpensTheOrleansDashboardOnly()
    {
        using var client = new HttpClient { BaseAddress = _address };
        using var session = new HttpRequestMessage(HttpMethod.Post, "api/orleans/session");
        session.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var answer = await client.SendAsync(session);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        var setCookie = Assert.Single(answer.Headers.GetValues("Set-Cookie"));
        Assert.Contains("path=/orleans", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie, StringComparison.Ordinal);
        var cookie = setCookie.Split(';')[0];

        using var page = new HttpRequestMessage(HttpMethod.Get, "orleans/");
        page.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var served = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // The cookie is no API token.
        using var api = new HttpRequestMessage(HttpMethod.Get, "api/campaigns");
        api.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var refused = await client.SendAsync(api);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
