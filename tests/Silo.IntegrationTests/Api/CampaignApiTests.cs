using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A campaign started and followed through the HTTP API only: status per stage, episodes with
/// transcripts, policies, silos and the probes.</summary>
[Collection(ApiCollection.Name)]
public sealed class CampaignApiTests(CompletedCampaignFixture fixture) : IClassFixture<CompletedCampaignFixture>
{
    private SiloTestHost Silo => fixture.Silo;

    [Fact]
    public void PostedCampaignRunsToCompletionWithStatusPerStage()
    {
        Assert.Equal(HttpStatusCode.Created, fixture.CreatedStatus);
        Assert.Equal($"/api/campaigns/{fixture.Created.Id}", fixture.CreatedLocation?.OriginalString);
        Assert.Equal(CampaignStatus.Running, fixture.Created.Status);
        Assert.Equal("api-test", fixture.Created.Name);

        var status = fixture.Completed;
        Assert.Equal(CampaignStatus.Completed, status.Status);
        Assert.Equal(["bc", "eval"], status.Stages.Select(s => s.Kind));
        Assert.All(status.Stages, s => Assert.Equal("done", s.State));

        var bc = status.Stages[0];
        Assert.Equal(ApiSpecs.BcEpisodes, bc.Episodes.Total);
        Assert.Equal(bc.Episodes.Total, bc.Episodes.Completed + bc.Episodes.EvaluationFailed);
        Assert.NotNull(bc.Training);
        Assert.Equal(TrainingStatus.Succeeded, bc.Training.Status);
        Assert.Equal(1, bc.Training.PublishedVersion);
        Assert.Equal(status.Spec.Trainer.Epochs, bc.Training.EpochsTotal);
        Assert.Equal(bc.Training.EpochsTotal, bc.Training.EpochsDone);
        Assert.True(bc.Training.Examples > 0);

        var round = Assert.Single(status.Rounds);
        Assert.Equal(1, round.ProducedVersion);
        Assert.Equal(round.TrainingExamples, bc.Training.Examples);

        var eval = status.Stages[1];
        Assert.True(eval.Episodes.Total > 0);
        Assert.Equal(eval.Episodes.Total, eval.Episodes.Finished);
        Assert.Null(eval.Training);
        Assert.Equal(bc.Episodes.Total + eval.Episodes.Total, status.Episodes.Total);
        Assert.Equal(["base", "bc", "expert"], status.Evaluations.Select(e => e.Label));
    }

    [Fact]
    public async Task CampaignListShowsTheCampaignAndADuplicateIdIsAConflict()
    {
        var campaigns = await Silo.GetAsync<CampaignSummaryResponse[]>("api/campaigns");
        var row = Assert.Single(campaigns, c => c.Id == fixture.Created.Id);
        Assert.Equal(CampaignStatus.Completed, row.Status);
        Assert.Equal(2, row.Stages);
        Assert.Equal(CampaignMode.Bc, row.Mode);

        using var duplicate = await Silo.PostJsonAsync($"api/campaigns?id={fixture.Created.Id}", ApiSpecs.Small);
        var problem = await ApiAssert.ProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Contains(fixture.Created.Id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EpisodesAreListedByRoundAndStatusInPages()
    {
        var id = fixture.Created.Id;
        var bc = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=0");
        Assert.Equal(ApiSpecs.BcEpisodes, bc.Total);
        Assert.Equal(ApiSpecs.BcEpisodes, bc.Items.Length);
        Assert.All(bc.Items, e =>
        {
            Assert.Equal(0, e.Round);
            Assert.Equal("bc", e.Phase);
            Assert.Equal(2, e.Characters.Length);
            Assert.All(e.Characters, name => Assert.Contains(' ', name));
            Assert.DoesNotContain(e.ScenarioId, e.Scenario, StringComparison.Ordinal);
            Assert.All(e.Seats, s => Assert.Equal(AgentRoles.Expert, s.Role));
        });

        var page = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=0&offset=2&limit=3");
        Assert.Equal(ApiSpecs.BcEpisodes, page.Total);
        Assert.Equal((2, 3), (page.Offset, page.Limit));
        Assert.Equal(bc.Items.Skip(2).Take(3).Select(e => e.Id), page.Items.Select(e => e.Id));

        var completed = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=0&status=completed");
        Assert.Equal(fixture.Completed.Stages[0].Episodes.Completed, completed.Total);
        Assert.All(completed.Items, e => Assert.Equal(EpisodeStatus.Completed, e.Status));

        var failed = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?status=failed");
        Assert.Equal(0, failed.Total);
        Assert.Empty(failed.Items);

        var eval = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=1&limit=1000");
        Assert.Equal(fixture.Completed.Stages[1].Episodes.Total, eval.Total);
        Assert.All(eval.Items, e => Assert.Single(e.ScoredSeats));
    }

    /// <summary>Issue 13: following <c>next_cursor</c> page by page, with filters, gives exactly the unpaged listing
    /// — no duplicate, no gap — in both episode listings; a cursor that was not handed out is refused by name.</summary>
    [Fact]
    public async Task CursorPagesWithFiltersGiveTheWholeListingWithoutDuplicatesOrGaps()
    {
        var id = fixture.Created.Id;
        foreach (var filter in new[] { "", "&round=0", "&status=completed", "&round=1&status=completed" })
        {
            var whole = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?limit=1000{filter}");
            Assert.Null(whole.NextCursor);
            var paged = new List<string>();
            string? cursor = null;
            for (var pages = 0; pages < 100; pages++)
            {
                var page = await Silo.GetAsync<EpisodePageResponse>(
                    $"api/campaigns/{id}/episodes?limit=2{filter}{(cursor is null ? "" : "&cursor=" + cursor)}");
                Assert.Equal(whole.Total, page.Total);
                Assert.Equal(cursor, page.Cursor);
                paged.AddRange(page.Items.Select(e => e.Id));
                cursor = page.NextCursor;
                if (cursor is null)
                {
                    break;
                }
                Assert.Equal(2, page.Items.Length);
            }
            Assert.NotEmpty(whole.Items);
            Assert.Equal(whole.Items.Select(e => e.Id), paged);
        }

        foreach (var filter in new[] { "", "&phase=eval", "&policy=expert&min=5", "&status=completed&score=overall&min=-10" })
        {
            var whole = await Silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={id}&limit=1000{filter}");
            Assert.Null(whole.NextCursor);
            var paged = new List<string>();
            string? cursor = null;
            for (var pages = 0; pages < 100; pages++)
            {
                var page = await Silo.GetAsync<DashboardEpisodePageResponse>(
                    $"api/dashboard/episodes?campaign={id}&limit=3{filter}{(cursor is null ? "" : "&cursor=" + cursor)}");
                paged.AddRange(page.Items.Select(e => e.Id));
                Assert.InRange(page.Items.Length, 0, 3);
                cursor = page.NextCursor;
                if (cursor is null)
                {
                    break;
                }
            }
            Assert.NotEmpty(whole.Items);
            Assert.Equal(whole.Total, whole.Items.Length);
            Assert.Equal(whole.Items.Select(e => e.Id), paged);
        }

        var bogus = await ApiAssert.FieldErrorAsync(await Silo.Http.GetAsync($"api/campaigns/{id}/episodes?cursor=not-a-cursor"), "cursor");
        Assert.Contains("next_cursor", bogus[0], StringComparison.Ordinal);
        await ApiAssert.FieldErrorAsync(await Silo.Http.GetAsync($"api/dashboard/episodes?cursor=%25%25"), "cursor");
        var first = await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?limit=1");
        await ApiAssert.FieldErrorAsync(await Silo.Http.GetAsync($"api/campaigns/{id}/episodes?offset=1&cursor={first.NextCursor}"), "offset");
    }

    [Fact]
    public async Task AnEpisodeComesWithItsTranscriptScoresAndNames()
    {
        var summary = (await Silo.GetAsync<EpisodePageResponse>($"api/campaigns/{fixture.Created.Id}/episodes?round=0&status=completed&limit=1")).Items[0];
        var episode = await Silo.GetAsync<EpisodeDetailResponse>($"api/episodes/{summary.Id}");

        Assert.Equal(summary.Id, episode.Id);
        Assert.Equal(fixture.Created.Id, episode.CampaignId);
        Assert.Equal(summary.Scenario, episode.Scenario.Codename);
        Assert.False(string.IsNullOrWhiteSpace(episode.Scenario.Text));
        Assert.Equal(summary.Characters, episode.Seats.Select(s => s.Name));
        Assert.All(episode.Seats, s => Assert.False(string.IsNullOrWhiteSpace(s.Goal)));
        Assert.DoesNotContain("<strategy_hint>", episode.Seats[0].Goal + episode.Seats[1].Goal, StringComparison.Ordinal);

        Assert.NotEmpty(episode.Turns);
        Assert.Equal(Enumerable.Range(0, episode.Turns.Length), episode.Turns.Select(t => t.Number));
        Assert.All(episode.Turns, t =>
        {
            Assert.Equal(episode.Seats[t.Seat].Name, t.Speaker);
            Assert.StartsWith(t.Speaker + " ", t.Line, StringComparison.Ordinal);
            Assert.True(ActionTypes.TryParse(t.ActionType, out _), $"'{t.ActionType}' is not a SOTOPIA action type");
        });
        Assert.NotNull(episode.Termination);

        Assert.NotNull(episode.JudgeModel);
        Assert.All(episode.Seats, seat =>
        {
            Assert.NotNull(seat.Evaluation);
            Assert.Equal(DimensionInfo.All.Select(d => d.Key), seat.Evaluation.Dimensions.Select(d => d.Key));
            Assert.All(seat.Evaluation.Dimensions, d =>
            {
                Assert.InRange(d.Score, d.Min, d.Max);
                Assert.False(string.IsNullOrWhiteSpace(d.Reasoning));
            });
            Assert.Equal(seat.Evaluation.Dimensions.Average(d => d.Score), seat.Evaluation.Overall, 9);
            Assert.True(seat.Scored);
        });
        Assert.Equal(summary.Goal, episode.Seats.Select(s => (int?)s.Evaluation!.Goal));

        using var missing = await Silo.Http.GetAsync("api/episodes/no-such-episode");
        await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound);
        using var missingCampaign = await Silo.Http.GetAsync("api/campaigns/no-such-campaign/episodes");
        await ApiAssert.ProblemAsync(missingCampaign, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PoliciesAreListedActivatedAndRolledBack()
    {
        var all = await Silo.GetAsync<PolicySummaryResponse[]>("api/policies");
        Assert.Contains(new PolicySummaryResponse("sotopia-pi", 1, 2), all);

        var policy = await Silo.GetAsync<PolicyResponse>("api/policies/sotopia-pi");
        Assert.Equal([0, 1], policy.Versions.Select(v => v.Version));
        Assert.Equal(1, policy.ActiveVersion);
        Assert.Equal(0, policy.Versions[1].ParentVersion);

        Assert.Equal(0, (await PostPolicyAsync("activate", """{"version": 0}""")).ActiveVersion);
        using (var atBase = await Silo.PostJsonAsync("api/policies/sotopia-pi/rollback", ""))
        {
            var problem = await ApiAssert.ProblemAsync(atBase, HttpStatusCode.Conflict);
            Assert.Contains("base", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(1, (await PostPolicyAsync("activate", """{"version": 1}""")).ActiveVersion);
        Assert.Equal(0, (await PostPolicyAsync("rollback", "")).ActiveVersion);
        Assert.Equal(0, (await Silo.GetAsync<PolicyResponse>("api/policies/sotopia-pi")).ActiveVersion);

        using (var unknownVersion = await Silo.PostJsonAsync("api/policies/sotopia-pi/activate", """{"version": 7}"""))
        {
            var messages = await ApiAssert.FieldErrorAsync(unknownVersion, "version");
            Assert.Contains("no version 7", messages[0], StringComparison.Ordinal);
        }
        using (var noVersion = await Silo.PostJsonAsync("api/policies/sotopia-pi/activate", "{}"))
        {
            await ApiAssert.FieldErrorAsync(noVersion, "version");
        }
        using (var wrongType = await Silo.PostJsonAsync("api/policies/sotopia-pi/activate", """{"version": "one"}"""))
        {
            await ApiAssert.FieldErrorAsync(wrongType, "version");
        }
        using (var unknownPolicy = await Silo.Http.GetAsync("api/policies/no-such-policy"))
        {
            await ApiAssert.ProblemAsync(unknownPolicy, HttpStatusCode.NotFound);
        }
        using (var activateUnknown = await Silo.PostJsonAsync("api/policies/no-such-policy/activate", """{"version": 0}"""))
        {
            await ApiAssert.ProblemAsync(activateUnknown, HttpStatusCode.NotFound);
        }
        Assert.Equal(1, (await PostPolicyAsync("activate", """{"version": 1}""")).ActiveVersion);
    }

    [Fact]
    public async Task SilosListThisSiloAsOrleansSeesIt()
    {
        var silo = Assert.Single(await Silo.GetAsync<SiloResponse[]>("api/silos"));
        Assert.Equal(CompletedCampaignFixture.SiloId, silo.Id);
        Assert.True(silo.IsSelf);
        Assert.Equal(SiloStatusNames.Active, silo.Status);
        Assert.StartsWith("127.0.0.1:", silo.Address, StringComparison.Ordinal);
        Assert.Equal(Silo.Silo.Settings.ListenUrls[0], silo.ApiUrl);
        Assert.Equal(256, silo.MaxConcurrentEpisodes);
        Assert.True(silo.GrainsActive > 0, $"grains active: {silo.GrainsActive}");
        Assert.True(silo.EpisodesInFlight >= 0, $"episodes in flight: {silo.EpisodesInFlight}");
        Assert.True(silo.LastHeartbeatAt >= silo.StartedAt);
    }

    [Fact]
    public async Task ProbesReportLivenessAndReadiness()
    {
        using var live = await Silo.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var liveBody = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
        Assert.Equal("healthy", liveBody.RootElement.GetProperty("status").GetString());
        Assert.Equal(["self"], liveBody.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        using var ready = await Silo.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var readyBody = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var checks = readyBody.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["store"] = "healthy", ["migrations"] = "healthy", ["membership"] = "healthy" }, checks);
    }

    private async Task<PolicyResponse> PostPolicyAsync(string action, string body)
    {
        using var response = await Silo.PostJsonAsync($"api/policies/sotopia-pi/{action}", body);
        await ApiAssert.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<PolicyResponse>(SotopiaJson.Options))!;
    }
}
