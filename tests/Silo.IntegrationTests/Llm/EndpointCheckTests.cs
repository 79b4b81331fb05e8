using System.Net;
using System.Net.Sockets;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>The pre-run check: one <c>GET /models</c> per endpoint, and a clear failure naming the roles, the URL and
/// the error when an endpoint cannot be used — never the key.</summary>
public sealed class EndpointCheckTests
{
    [Fact]
    public async Task EveryRoleOnOneEndpointIsCheckedWithOneRequestThatUsesNoTokens()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var result = Assert.Single(await LlmModelsCheck.CheckEndpointsAsync(gateway));

        Assert.True(result.Ok, result.Error);
        Assert.Equal(LlmSettings.RoleNames.ToArray(), result.Roles.ToArray());
        Assert.Equal(2, result.Models);
        Assert.Equal((1, $"Bearer {LlmTestSettings.Key}"), server.ModelListings);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AClosedPortIsNamedWithItsRolesAndUrl()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}/v1");
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl,
            r => r.Role is AgentRoles.Judge or AgentRoles.Expert ? r with { BaseUrl = closed } : r));

        var results = await LlmModelsCheck.CheckEndpointsAsync(gateway, [AgentRoles.Partner, AgentRoles.Expert, AgentRoles.Judge]);

        Assert.Equal(2, results.Count);
        Assert.True(results.Single(r => r.Roles.Contains(AgentRoles.Partner)).Ok);
        var failed = Assert.Single(results, r => !r.Ok);
        Assert.Equal([AgentRoles.Expert, AgentRoles.Judge], failed.Roles.ToArray());
        Assert.StartsWith($"GET {closed.AbsoluteUri}/models failed: connection failed: ", failed.Error);
        Assert.StartsWith($"LLM endpoint for expert, judge ({closed}) is not usable: GET {closed.AbsoluteUri}/models failed: connection failed: ", failed.Describe());
    }

    [Fact]
    public async Task ARefusedKeyIsNamedWithTheServersMessageButNotTheKey()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.ModelsError = FakeOpenAiReply.Error(401, $"Incorrect API key provided: {LlmTestSettings.Key}.");
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var result = Assert.Single(await LlmModelsCheck.CheckEndpointsAsync(gateway, [AgentRoles.Judge]));

        Assert.Equal($"GET {server.BaseUrl.AbsoluteUri}/models failed: HTTP 401 Incorrect API key provided: ***.", result.Error);
        Assert.DoesNotContain(LlmTestSettings.Key, result.Describe());
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
