using System.Collections.Immutable;
using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Llm;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A running silo sees an import made after it started, as a new version, without a restart: the API
/// lists both versions with their own named sets, and an episode of each version is shown from its own data.</summary>
[Collection(ApiCollection.Name)]
public sealed class DatasetVersionApiTests
{
    [Fact]
    public async Task ImportAfterStartIsANewVersionServedWithoutRestart()
    {
        using var folder = new TempDirectory("sotopia-api-versions");
        await using var silo = await SiloTestHost.StartAsync(
            folder.Combine("sotopia.db"), siloId: "versions-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["datasets"] = folder.Path });
        var (a, b, shared) = StarterSetups.TwoImports();
        var hardA = a.NamedSets["hard"];
        SotopiaDataExporter.Write(a, folder.Combine("a"));
        SotopiaDataExporter.Write(b, folder.Combine("b"));
        var task = a.Tasks.First(t => t.ScenarioId == shared);
        EpisodeRecord Episode(string id, int version) => new()
        {
            Id = id, CampaignId = "c", Round = 0, Phase = "eval", TaskId = task.Id, ScenarioId = shared,
            Agent1Id = task.Agent1Id, Agent2Id = task.Agent2Id,
            Seats = [new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "m"), new SeatBinding(AgentRoles.Partner, AgentRoles.Partner, 0, "m")],
            Seed = 1, DatasetVersion = version,
        };

        var first = await ImportAsync(silo, "a");
        await silo.Store.CreateEpisodesAsync([Episode("e-a", first.Version)]);
        var shownA = await silo.GetAsync<EpisodeDetailResponse>("api/episodes/e-a");
        var second = await ImportAsync(silo, "b");
        await silo.Store.CreateEpisodesAsync([Episode("e-b", second.Version)]);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.NotEqual(first.ContentHash, second.ContentHash);
        var versions = (await silo.GetAsync<DatasetVersionsResponse>("api/datasets/versions")).Versions;
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.All(versions, v => Assert.Contains("hard", v.NamedSets));
        Assert.Equal(hardA.Length, (await silo.GetAsync<DatasetSummaryResponse>("api/datasets/versions/1")).NamedSets["hard"]);
        var newest = await silo.GetAsync<DatasetSummaryResponse>("api/datasets");
        Assert.Equal((2, 3), (newest.Version, newest.NamedSets["hard"]));
        Assert.Equal("Rewritten in import B.", (await silo.GetAsync<EpisodeDetailResponse>("api/episodes/e-b")).Scenario.Text);
        Assert.Equal(shownA.Scenario.Text, (await silo.GetAsync<EpisodeDetailResponse>("api/episodes/e-a")).Scenario.Text);
        Assert.NotEqual("Rewritten in import B.", shownA.Scenario.Text);
        using var missing = await silo.Http.GetAsync("api/datasets/versions/9");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>A spec's <c>dataset_version</c> runs the campaign on that stored version (importing nothing), even
    /// when a newer one exists; an unknown version is refused naming the field and the stored versions.</summary>
    [Fact]
    public async Task ACampaignRunsOnTheStoredVersionItsSpecNames()
    {
        using var folder = new TempDirectory("sotopia-api-versions");
        await using var silo = await SiloTestHost.StartAsync(
            folder.Combine("sotopia.db"), siloId: "versions-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["datasets"] = folder.Path });
        var a = StarterSetups.Data;
        var b = a with { NamedSets = a.NamedSets.SetItem("hard", [a.Scenarios.First(s => !a.NamedSets["hard"].Contains(s.Id)).Id]) };
        SotopiaDataExporter.Write(a, folder.Combine("a"));
        SotopiaDataExporter.Write(b, folder.Combine("b"));
        await ImportAsync(silo, "a");
        await ImportAsync(silo, "b");

        var unknown = await ApiAssert.FieldErrorAsync(await silo.PostJsonAsync("api/campaigns", """{"mode": "eval", "dataset_version": 9}"""), "dataset_version");
        using var created = await silo.PostJsonAsync("api/campaigns?id=c-v1", """
            {"mode": "eval", "dataset_version": 1, "evaluate_versions": [0], "evaluate_expert": false, "evaluation_pairs_per_scenario": 1}
            """);
        await ApiAssert.SuccessAsync(created);
        var done = await silo.WaitForCampaignAsync("c-v1", CampaignStatus.Completed);

        Assert.Contains("version 9 does not exist (stored: 1, 2)", unknown[0], StringComparison.Ordinal);
        Assert.Equal(1, done.DatasetVersion);
        Assert.Equal(2, (await silo.GetAsync<DatasetVersionsResponse>("api/datasets/versions")).Versions.Length);
        var played = (await silo.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-v1" })).Select(e => e.ScenarioId).Distinct().ToList();
        Assert.NotEmpty(played);
        Assert.All(played, id => Assert.Contains(id, a.NamedSets["hard"]));
    }

    private static async Task<DatasetImportResponse> ImportAsync(SiloTestHost silo, string path)
    {
        using var response = await silo.PostJsonAsync("api/datasets/import", $$"""{"path": "{{path}}"}""");
        await ApiAssert.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<DatasetImportResponse>(SotopiaJson.Options))!;
    }
}
