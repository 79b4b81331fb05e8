using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Every progress and usage counter the API shows (and the console and dashboard render) comes from the
/// store: a silo restarted on the same store answers with exactly the same numbers — episode counts per campaign and
/// stage, training progress, round results, the dashboard's campaign list, the report's per-policy n, scores, tokens
/// and cost.</summary>
[Collection(ApiCollection.Name)]
public sealed class CountersAfterRestartTests
{
    private const string CampaignId = "restart-counters";

    [Fact]
    public async Task ASiloRestartedOnTheSameStoreShowsTheSameCounters()
    {
        using var folder = new TempDirectory("sotopia-restart-counters");
        var db = folder.Combine("sotopia.db");
        string[] paths = [$"api/campaigns/{CampaignId}", "api/dashboard/campaigns", $"api/campaigns/{CampaignId}/report", $"api/campaigns/{CampaignId}/episodes?limit=100"];

        Dictionary<string, string> before;
        CampaignStatusResponse status;
        await using (var first = await SiloTestHost.StartAsync(db, siloId: "restart-a"))
        {
            using (var created = await first.PostJsonAsync($"api/campaigns?id={CampaignId}", ApiSpecs.Small))
            {
                await ApiAssert.SuccessAsync(created);
            }
            status = await first.WaitForCampaignAsync(CampaignId, CampaignStatus.Completed);
            before = await ReadAllAsync(first, paths);
        }

        // Counters worth comparing: episodes of every stage finished, some judged, a training round and an evaluation.
        Assert.True(status.Episodes.Total > ApiSpecs.BcEpisodes, $"{status.Episodes.Total} episodes");
        Assert.Equal(status.Episodes.Total, status.Episodes.Finished);
        Assert.True(status.Episodes.Completed > 0);
        Assert.Equal(ApiSpecs.BcEpisodes, status.Stages[0].Episodes.Total);
        Assert.NotNull(status.Stages[0].Training);
        Assert.NotEmpty(status.Evaluations);

        await using var second = await SiloTestHost.StartAsync(db, siloId: "restart-b");
        var after = await ReadAllAsync(second, paths);
        foreach (var path in paths)
        {
            Assert.True(before[path] == after[path], $"{path} changed across the restart:\nbefore: {before[path]}\nafter:  {after[path]}");
        }
        var report = JsonDocument.Parse(after[$"api/campaigns/{CampaignId}/report"]).RootElement;
        Assert.Equal(status.Episodes.Total, report.GetProperty("episodes").GetProperty("total").GetInt32());
        Assert.Contains(report.GetProperty("scores").EnumerateArray(), s => s.GetProperty("scores").GetProperty("n").GetInt32() > 0);
        Assert.Equal(0, report.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
    }

    private static async Task<Dictionary<string, string>> ReadAllAsync(SiloTestHost silo, string[] paths)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            using var response = await silo.Http.GetAsync(path);
            await ApiAssert.SuccessAsync(response);
            answers[path] = await response.Content.ReadAsStringAsync();
        }
        return answers;
    }
}
