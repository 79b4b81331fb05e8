using System.Net;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Llm;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary><c>GET /api/campaigns/{id}</c> of an LLM campaign shows its spending and what its calls in flight
/// reserved of the budget (issue 13, item 4): one model call is held at the fake server while the view is read.</summary>
[Collection(ApiCollection.Name)]
public sealed class CampaignSpendApiTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TheCampaignViewShowsTheSpendingAndTheReservationOfACallInFlight()
    {
        using var folder = new TempDirectory("sotopia-spend");
        await using var server = await FakeOpenAiServer.StartAsync();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Respond(request =>
        {
            arrived.TrySetResult();
            // Holds this request (on the fake server's thread) until the test has read the campaign view.
            release.Task.Wait(Bounded);
            return FakeModels.Respond(request);
        });
        var config = folder.Combine("llm.yaml");
        File.WriteAllText(config, $"""
            defaults:
              base_url: {server.BaseUrl}
              api_key_env: {LlmTestSettings.KeyVariable}
            """);
        await using var silo = await SiloTestHost.StartAsync(folder.Combine("sotopia.db"), siloId: "spend-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["backend"] = "llm", ["llm-config"] = config });
        const string Id = "spend-test";
        using (var created = await silo.PostJsonAsync($"api/campaigns?id={Id}", """
            {"name": "api-spend", "mode": "bc", "backend": "llm", "sr_rounds": 0, "scenarios_per_round": 1, "pairs_per_scenario": 1,
             "skip_evaluation": true, "budget": {"max_tokens": 1000000}}
            """))
        {
            await ApiAssert.SuccessAsync(created);
        }

        try
        {
            await Within.WaitAsync(arrived.Task, Bounded, "the campaign's first model call to reach the fake server");
            var status = await silo.GetAsync<CampaignStatusResponse>($"api/campaigns/{Id}");

            var spend = Assert.IsType<CampaignSpendResponse>(status.Spend);
            Assert.Equal(0, spend.Usage.Calls);
            Assert.Null(spend.BudgetReached);
            var reserved = Assert.IsType<CampaignReservationResponse>(spend.Reserved);
            Assert.Equal(1, reserved.CallsInFlight);
            // The prompt's tokens + the role's answer limit (1,024 for the expert).
            Assert.InRange(reserved.Tokens, 1_025, 20_000);
        }
        finally
        {
            release.TrySetResult();
        }
        using var cancelled = await silo.PostJsonAsync($"api/campaigns/{Id}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }
}
