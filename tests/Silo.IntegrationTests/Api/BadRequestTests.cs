using System.Net;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Every bad request gets a 400 problem whose <c>errors</c> name the wrong fields, and nothing is
/// stored.</summary>
[Collection(ApiCollection.Name)]
public sealed class BadRequestTests(EmptySiloFixture fixture) : IClassFixture<EmptySiloFixture>
{
    private SiloTestHost Silo => fixture.Silo;

    [Fact]
    public async Task UnknownFieldsAreNamedAtEveryLevel()
    {
        using var response = await Silo.PostJsonAsync("api/campaigns", """{"name": "x", "sr_round": 1, "filter": {"top_kk": 2}}""");
        var messages = await ApiAssert.FieldErrorAsync(response, "sr_round");
        Assert.Contains("sr_rounds", messages[0], StringComparison.Ordinal);
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"filter": {"top_kk": 2}}"""), "filter.top_kk");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task BadModeIsNamedWithTheAllowedValues()
    {
        var messages = await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"mode": "bc+rl"}"""), "mode");
        Assert.Contains("bc, sr, bc_sr, eval", messages[0], StringComparison.Ordinal);
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"mode": 1}"""), "mode");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task WrongTypesAndNullsAreAllNamed()
    {
        using var response = await Silo.PostJsonAsync("api/campaigns", """{"sr_rounds": "two", "filter": null, "evaluate_expert": "yes", "seed": 1.5}""");
        Assert.Contains("whole number", (await ApiAssert.FieldErrorAsync(response, "sr_rounds"))[0], StringComparison.Ordinal);
        using var again = await Silo.PostJsonAsync("api/campaigns", """{"sr_rounds": "two", "filter": null, "evaluate_expert": "yes", "seed": 1.5}""");
        var problem = await ApiAssert.ProblemAsync(again, HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["evaluate_expert", "filter", "seed", "sr_rounds"], fields);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task DuplicateAndOversizedFieldsAreNamed()
    {
        var duplicate = await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"mode": "bc", "mode": "sr"}"""), "mode");
        Assert.Equal(["is given more than once"], duplicate);
        var oversized = await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"sr_rounds": 99999999999}"""), "sr_rounds");
        Assert.Contains("2147483647", oversized[0], StringComparison.Ordinal);
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"evaluate_versions": [1, "x"]}"""), "evaluate_versions[1]");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task SpecProblemsAreAllListedTogether()
    {
        using var response = await Silo.PostJsonAsync("api/campaigns", """{"sr_rounds": -1, "pairs_per_scenario": 0, "backend": "gpu"}""");
        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("The campaign spec is not valid.", problem.GetProperty("title").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Contains("-1", errors.GetProperty("sr_rounds")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("pairs_per_scenario", out _), errors.ToString());
        Assert.Contains("gpu", errors.GetProperty("backend")[0].GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task MissingDatasetIsNamed()
    {
        var messages = await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", """{"dataset": "/no/such/folder"}"""), "dataset");
        Assert.Contains("/no/such/folder", messages[0], StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task UnknownScenarioSetsAreNamed()
    {
        using var response = await Silo.PostJsonAsync("api/campaigns", """{"evaluation_set": "nope", "round_scenario_sets": ["also-nope"]}""");
        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("'nope'", errors.GetProperty("evaluation_set")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'also-nope'", errors.GetProperty("round_scenario_sets")[0].GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("{not json")]
    public async Task BodyMustBeAJsonObject(string body)
    {
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns", body), "body");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413WithAProblemNotA500()
    {
        var big = "{\"name\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";

        // As the console (and curl, for large bodies) sends it: "Expect: 100-continue", so the silo's 413 arrives before
        // the body is sent. Without it the answer races the upload: the silo closes the connection after answering,
        // and a client still writing the body may see a reset instead of the 413.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/campaigns")
        {
            Content = new StringContent(big, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await Silo.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("The request body is larger than the limit of 1024 KiB.", problem, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task InvalidCampaignIdIsNamed()
    {
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/campaigns?id=" + Uri.EscapeDataString("no spaces!"), ApiSpecs.Small), "id");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task EpisodeQueryProblemsAreNamed()
    {
        using var response = await Silo.Http.GetAsync("api/campaigns/any/episodes?limit=-1&offset=-2&round=x&status=bogus");
        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["limit", "offset", "round", "status"], errors.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Contains("-1", errors.GetProperty("limit")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("evaluation_failed", errors.GetProperty("status")[0].GetString(), StringComparison.Ordinal);

        var tooMany = await ApiAssert.FieldErrorAsync(await Silo.Http.GetAsync($"api/campaigns/any/episodes?limit={SotopiaPi.Silo.Api.Episodes.EpisodesApi.MaxLimit + 1}"), "limit");
        Assert.Contains("1..1000", tooMany[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCampaignsAreNotFound()
    {
        foreach (var request in new[] { Silo.Http.GetAsync("api/campaigns/nope"), Silo.PostJsonAsync("api/campaigns/nope/cancel", ""), Silo.PostJsonAsync("api/campaigns/nope/pause", "") })
        {
            using var response = await request;
            var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains("'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DatasetImportProblemsAreNamedAndAValidImportIsStored()
    {
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/datasets/import", "{}"), "path");
        var missing = await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/datasets/import", """{"path": "no-such-data"}"""), "path");
        Assert.Contains(fixture.Folder.Combine("no-such-data"), missing[0], StringComparison.Ordinal);
        Assert.Contains("does not exist", missing[0], StringComparison.Ordinal);
        await ApiAssert.FieldErrorAsync(await Silo.PostJsonAsync("api/datasets/import", """{"path": "starter", "sets": ["no-such-sets.json"]}"""), "sets");

        var broken = fixture.Folder.Combine("broken-data");
        Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "agent_profiles.jsonl"), "{\"pk\": \"a1\", \"first_name\": \"Ann\"\n");
        var problems = await ApiAssert.FieldErrorAsync(
            await Silo.PostJsonAsync("api/datasets/import", """{"path": "broken-data"}"""), "path");
        Assert.Contains(problems, p => p.StartsWith("agent_profiles.jsonl:1", StringComparison.Ordinal));
        Assert.Equal(0, (await Silo.GetAsync<DatasetSummaryResponse>("api/datasets")).Characters);

        using var imported = await Silo.PostJsonAsync("api/datasets/import", """{"path": "starter"}""");
        await ApiAssert.SuccessAsync(imported);
        var result = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<DatasetImportResponse>(imported.Content, Grains.Interfaces.SotopiaJson.Options))!;
        Assert.True(result.Scenarios > 0 && result.Characters > 0);
        Assert.Contains("hard", result.NamedSets);
        var stored = await Silo.GetAsync<DatasetSummaryResponse>("api/datasets");
        Assert.Equal((result.Characters, result.Scenarios, result.Tasks), (stored.Characters, stored.Scenarios, stored.Tasks));
        Assert.True(stored.NamedSets["hard"] > 0);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("/etc/no-such-file")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/tmp")]
    public async Task ImportsReadOnlyBelowTheDatasetsFolderAndSayNothingAboutOtherPaths(string outside)
    {
        var problems = await ApiAssert.FieldErrorAsync(
            await Silo.PostJsonAsync("api/datasets/import", $$"""{"path": {{System.Text.Json.JsonSerializer.Serialize(outside)}}}"""), "path");
        var problem = Assert.Single(problems);
        Assert.Equal($"'{outside}' is outside the datasets folder {fixture.Folder.Path}; the API imports only paths below it", problem);
        var sets = await ApiAssert.FieldErrorAsync(
            await Silo.PostJsonAsync("api/datasets/import", $$"""{"path": "starter", "sets": [{{System.Text.Json.JsonSerializer.Serialize(outside)}}]}"""), "sets");
        Assert.Contains("outside the datasets folder", Assert.Single(sets), StringComparison.Ordinal);
    }

    private async Task AssertNothingStoredAsync() =>
        Assert.Empty(await Silo.GetAsync<CampaignSummaryResponse[]>("api/campaigns"));
}
