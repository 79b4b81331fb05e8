using System.Xml.Linq;
using Microsoft.Playwright;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.IntegrationTests.Api;
using static Microsoft.Playwright.Assertions;

namespace SotopiaPi.Silo.IntegrationTests.Dashboard;

/// <summary>The dashboard in Debian's Chromium against a real silo with a finished campaign: every page loads
/// without console errors or requests to other hosts, charts are the silo's SVG images with the right points, transcripts every turn,
/// filters narrow the list as the API does, and the token prompt works.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Wait = new() { Timeout = 30_000 };
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    static DashboardTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task CampaignListShowsStatusProgressAndTheSimulatorsZeroCost()
    {
        await using var session = await fixture.OpenAsync();
        await session.GotoAsync("#/campaigns");
        var row = session.Page.Locator($"#campaigns tr[data-campaign='{DashboardFixture.CampaignId}']");
        await Expect(row).ToHaveCountAsync(1, Wait);
        var episodes = fixture.Completed.Episodes;
        await Expect(row).ToContainTextAsync("completed");
        await Expect(row).ToContainTextAsync($"{episodes.Finished} / {episodes.Total}");
        // The simulator calls no model: its tokens and cost are known to be zero, not unknown.
        await Expect(row.Locator("td.cost")).ToHaveTextAsync("$0.00");
        await session.ScreenshotAsync("campaigns");
        session.AssertClean();
    }

    [Fact]
    public async Task CampaignPageShowsTheServedChartsWithOneLearningCurvePointPerEvaluatedPolicy()
    {
        var report = await fixture.Silo.GetAsync<ReportShape>($"api/campaigns/{DashboardFixture.CampaignId}/report");
        // base, bc, bc+sr1 and the expert.
        Assert.Equal(4, fixture.Completed.Evaluations.Length);
        Assert.Equal(fixture.Completed.Evaluations.Length, report.Policies.Length);
        var bins = report.Histograms.Sum(h => h.GetProperty("counts").GetArrayLength());

        // The silo serves each chart as an SVG image: one marker per evaluated policy and set, one bar per score.
        var served = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var name in new[] { "learning-curve-goal", "learning-curve-overall", "histograms" })
        {
            using var response = await fixture.Silo.Http.GetAsync($"api/dashboard/campaigns/{DashboardFixture.CampaignId}/charts/{name}.svg");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            served[name] = XElement.Parse(await response.Content.ReadAsStringAsync());
        }
        foreach (var metric in new[] { "goal", "overall" })
        {
            var points = served[$"learning-curve-{metric}"].Descendants(Svg + "ellipse").Where(e => (string?)e.Attribute("class") == "point" && (string?)e.Attribute("data-series") == "all");
            Assert.Equal(report.Policies.Select(p => p.Label), points.Select(p => (string)p.Attribute("data-policy")!));
        }
        Assert.Equal(bins, served["histograms"].Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bin"));

        // The page shows those images, not charts of its own.
        await using var session = await fixture.OpenAsync();
        await session.GotoAsync($"#/campaigns/{DashboardFixture.CampaignId}");
        var page = session.Page;
        foreach (var metric in new[] { "goal", "overall" })
        {
            var chart = page.Locator($"#learning-curve svg#chart-learning-curve-{metric}");
            var points = chart.Locator("ellipse.point[data-series='all']");
            await Expect(points).ToHaveCountAsync(report.Policies.Length, Wait);
            Assert.Equal(report.Policies.Select(p => p.Label), await points.EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.policy)"));
            var means = served[$"learning-curve-{metric}"].Descendants(Svg + "ellipse").Where(e => (string?)e.Attribute("class") == "point").Select(e => (string)e.Attribute("data-mean")!);
            Assert.Equal(means, await chart.Locator("ellipse.point").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.mean)"));
        }
        await Expect(page.Locator("#histograms svg#chart-histograms rect.bin")).ToHaveCountAsync(bins);
        var groups = await page.Locator("#histograms rect.bin").EvaluateAllAsync<string[]>("bs => [...new Set(bs.map(b => b.dataset.group + '|' + b.dataset.dimension))]");
        Assert.Equal(report.Histograms.Length, groups.Length);
        await Expect(page.Locator("#stages tbody tr")).ToHaveCountAsync(fixture.Completed.Stages.Length);
        await Expect(page.Locator("#paper-table tbody tr")).ToHaveCountAsync(report.Scores.Length);
        await Expect(page.Locator("#rounds tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#rounds td.filtered-share").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+%$"));
        await Expect(page.Locator("#silos tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#silos")).ToContainTextAsync("dashboard-silo");
        await Expect(page.Locator("#usage-note")).ToHaveTextAsync("Tokens and cost: simulator backend: no model calls.");
        Assert.Contains(session.Requests, u => u.EndsWith($"/api/dashboard/campaigns/{DashboardFixture.CampaignId}/charts/learning-curve-goal.svg", StringComparison.Ordinal));
        await session.ScreenshotAsync("campaign");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(fixture.ScreenshotFolder, "dashboard.png"),
            Clip = new Clip { X = 0, Y = 0, Width = 1280, Height = 1100 },
        });
        session.AssertClean();
    }

    [Fact]
    public async Task AChartThatDoesNotExistIsNotFoundAndChartsNeedTheToken()
    {
        using var unknown = await fixture.Silo.Http.GetAsync($"api/dashboard/campaigns/{DashboardFixture.CampaignId}/charts/pie.svg");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("learning-curve-goal.svg", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noCampaign = await fixture.Silo.Http.GetAsync("api/dashboard/campaigns/no-such-campaign/charts/histograms.svg");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, noCampaign.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        using var refused = await anonymous.GetAsync($"api/dashboard/campaigns/{DashboardFixture.CampaignId}/charts/histograms.svg");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task EpisodePageShowsEveryTurnBothCharactersAndTheJudge()
    {
        var page1 = await fixture.Silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={DashboardFixture.CampaignId}&phase=eval&limit=1");
        var episode = await fixture.Silo.GetAsync<EpisodeDetailResponse>($"api/episodes/{page1.Items[0].Id}");
        Assert.True(episode.Turns.Length > 2, $"episode {episode.Id} has {episode.Turns.Length} turns");

        await using var session = await fixture.OpenAsync();
        await session.GotoAsync($"#/episodes/{episode.Id}");
        var page = session.Page;
        var turns = page.Locator("#transcript .turn");
        await Expect(turns).ToHaveCountAsync(episode.Turns.Length, Wait);
        for (var i = 0; i < episode.Turns.Length; i++)
        {
            var turn = episode.Turns[i];
            var item = turns.Nth(i);
            Assert.Equal(turn.ActionType, await item.GetAttributeAsync("data-action"));
            Assert.Contains($"seat-{turn.Seat}", await item.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
            if (turn.ActionType is "speak" or "action" or "non-verbal communication")
            {
                await Expect(item).ToContainTextAsync(turn.Argument);
            }
        }
        var cards = page.Locator(".character");
        await Expect(cards).ToHaveCountAsync(2);
        for (var seat = 0; seat < 2; seat++)
        {
            var card = cards.Nth(seat);
            await Expect(card).ToContainTextAsync(episode.Seats[seat].Name);
            await Expect(card).ToContainTextAsync("Goal (private to this character; the judge sees it)");
            await Expect(card).ToContainTextAsync("Secret (private to this character; the judge sees it)");
            await Expect(card.Locator(".goal")).ToHaveTextAsync(episode.Seats[seat].Goal);
        }
        // 7 dimensions + overall; the scored seat's reasoning is shown.
        await Expect(page.Locator("#scores tbody tr")).ToHaveCountAsync(8);
        var scored = episode.Seats.First(s => s.Scored && s.Evaluation is not null);
        await Expect(page.Locator("#scores")).ToContainTextAsync(scored.Evaluation!.Dimensions[6].Reasoning);
        await session.ScreenshotAsync("episode");
        session.AssertClean();
    }

    [Fact]
    public async Task FiltersNarrowTheEpisodeListAsTheApiDoes()
    {
        var campaign = DashboardFixture.CampaignId;
        var all = await fixture.Silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={campaign}&limit=1");
        var round1 = await fixture.Silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={campaign}&round=1&limit=1000");
        var expertHigh = await fixture.Silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={campaign}&policy=expert&min=7&limit=1000");
        // Counted: by the store's counts (campaign, round), and in one bounded pass for the per-episode filter.
        Assert.Equal(fixture.Completed.Episodes.Total, all.Total);
        Assert.NotNull(all.Total);
        Assert.NotNull(round1.Total);
        Assert.NotNull(expertHigh.Total);
        Assert.InRange(round1.Total.Value, 1, all.Total.Value - 1);
        Assert.All(round1.Items, e => Assert.Equal(1, e.Round));
        Assert.InRange(expertHigh.Total.Value, 1, all.Total.Value - 1);
        Assert.All(expertHigh.Items, e => Assert.Contains(Enumerable.Range(0, 2), s => e.Seats[s].Role == AgentRoles.Expert && e.Goal[s] >= 7));

        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await session.GotoAsync("#/episodes");
        var form = page.Locator("#episode-filters");
        await form.Locator("select[name=campaign]").SelectOptionAsync(campaign);
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("#episode-total")).ToHaveTextAsync($"{all.Total} episodes match");
        await Expect(page.Locator("#episodes tbody tr")).ToHaveCountAsync(Math.Min(all.Total.Value, 50));

        await form.Locator("input[name=round]").FillAsync("1");
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("#episode-total")).ToHaveTextAsync($"{round1.Total} episode{(round1.Total == 1 ? "" : "s")} match");
        await Expect(page.Locator("#episodes tbody tr")).ToHaveCountAsync(round1.Total.Value);

        await form.Locator("input[name=round]").FillAsync("");
        await form.Locator("input[name=policy]").FillAsync("expert");
        await form.Locator("input[name=min]").FillAsync("7");
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("#episode-total")).ToHaveTextAsync($"{expertHigh.Total} episode{(expertHigh.Total == 1 ? "" : "s")} match");
        await Expect(page.Locator("#episodes tbody tr")).ToHaveCountAsync(expertHigh.Total.Value);
        var shown = await page.Locator("#episodes tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.episode)");
        Assert.Equal(expertHigh.Items.Select(e => e.Id), shown);
        await session.ScreenshotAsync("episodes");

        // A wrong range is refused by the API and shown field by field.
        await form.Locator("input[name=max]").FillAsync("3");
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("#episode-results .error")).ToContainTextAsync("min: 7 is above max 3");
        session.AssertClean(400);
    }

    [Fact]
    public async Task PoliciesPageShowsTheLineageAndTheActiveVersion()
    {
        var names = await fixture.Silo.GetAsync<PolicySummaryResponse[]>("api/policies");
        var policy = await fixture.Silo.GetAsync<PolicyResponse>($"api/policies/{names.Single().Name}");
        Assert.Equal(3, policy.Versions.Length);

        await using var session = await fixture.OpenAsync();
        await session.GotoAsync("#/policies");
        var card = session.Page.Locator($".policy[data-policy='{policy.Name}']");
        var nodes = card.Locator(".lineage .node");
        await Expect(nodes).ToHaveCountAsync(3, Wait);
        Assert.Equal(["0", "1", "2"], await nodes.EvaluateAllAsync<string[]>("ns => ns.map(n => n.dataset.version)"));
        await Expect(nodes.Nth(0)).ToContainTextAsync("base");
        await Expect(nodes.Nth(1)).ToContainTextAsync("bc");
        await Expect(nodes.Nth(2)).ToContainTextAsync("sr");
        await Expect(card.Locator(".lineage .node.active")).ToHaveAttributeAsync("data-version", policy.ActiveVersion!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(card.Locator(".versions tbody tr")).ToHaveCountAsync(3);
        await session.ScreenshotAsync("policies");
        session.AssertClean();
    }

    [Fact]
    public async Task WithATokenThePageLoadsThenAsksForItOnceAndUsesIt()
    {
        using (var anonymous = new HttpClient { BaseAddress = fixture.Silo.BaseAddress })
        {
            using var pageResponse = await anonymous.GetAsync("/");
            Assert.Equal(System.Net.HttpStatusCode.OK, pageResponse.StatusCode);
            using var apiResponse = await anonymous.GetAsync("api/dashboard/campaigns");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, apiResponse.StatusCode);
        }

        await using var session = await fixture.OpenAsync(withToken: false);
        var page = session.Page;
        await session.GotoAsync("#/campaigns");
        var prompt = page.Locator("#token-panel");
        await Expect(prompt).ToBeVisibleAsync();
        await Expect(prompt).ToContainTextAsync("requires an API token");
        await Expect(page.Locator("#campaigns")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("token-prompt");

        await page.Locator("#token-input").FillAsync("wrong-token-0123456789abcdef");
        await page.Locator("#token-form button").ClickAsync();
        await Expect(prompt).ToContainTextAsync("refused");

        await page.Locator("#token-input").FillAsync(DashboardFixture.Token);
        await page.Locator("#token-form button").ClickAsync();
        await Expect(page.Locator($"#campaigns tr[data-campaign='{DashboardFixture.CampaignId}']")).ToHaveCountAsync(1, Wait);
        await Expect(prompt).ToBeHiddenAsync();
        Assert.Equal(DashboardFixture.Token, await page.EvaluateAsync<string>("sessionStorage.getItem('sotopia-api-token')"));

        // Other pages of the same tab use the stored token without asking again.
        await page.Locator("a[data-nav=policies]").ClickAsync();
        await Expect(page.Locator(".policy")).ToHaveCountAsync(1, Wait);
        await Expect(prompt).ToBeHiddenAsync();
        session.AssertClean(401);
    }

    [Fact]
    public async Task TheOrleansLinkOpensTheOrleansDashboardWithTheTabsToken()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await session.GotoAsync("#/campaigns");
        await Expect(page.Locator($"#campaigns tr[data-campaign='{DashboardFixture.CampaignId}']")).ToHaveCountAsync(1, Wait);
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<(string Url, int Status)>();
        page.Response += (_, response) => statuses.Enqueue((response.Url, response.Status));
        await page.Locator("#orleans-link").ClickAsync();
        // A retrying assertion on the URL, not WaitForURLAsync: that reads page.Url and then subscribes to the next
        // navigation, so a navigation that commits in between (the click's POST is quick) was missed and it timed out.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/orleans/$"), new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
        await Expect(page.Locator(".brand-title")).ToHaveTextAsync("Orleans Dashboard");
        await session.ScreenshotAsync("orleans-dashboard");
        Assert.DoesNotContain(statuses, r => r.Status == 401);
        Assert.Contains(statuses, r => r.Url.EndsWith("/orleans/", StringComparison.Ordinal) && r.Status == 200);

        // Without the cookie (a fresh context) the same page is refused.
        await using var stranger = await fixture.OpenAsync(withToken: false);
        var refused = await stranger.Page.GotoAsync("/orleans/");
        Assert.Equal(401, refused!.Status);
    }

    /// <summary>The parts of <c>GET /api/campaigns/{id}/report</c> the tests compare with the page.</summary>
    private sealed record ReportShape
    {
        public required ReportPolicyShape[] Policies { get; init; }
        public required System.Text.Json.JsonElement[] Scores { get; init; }
        public required System.Text.Json.JsonElement[] Histograms { get; init; }
    }

    private sealed record ReportPolicyShape(string Label, string Role, int? Version);
}
