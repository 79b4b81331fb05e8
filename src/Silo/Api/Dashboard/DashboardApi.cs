using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Silo.Api.Campaigns;
using SotopiaPi.Silo.Api.Episodes;
using SotopiaPi.Silo.Api.Silos;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>Read endpoints the dashboard needs beyond the console's: a campaign's report data
/// (<c>GET /api/campaigns/{id}/report</c>), the silos working on it (<c>/workers</c>), campaigns with episode
/// counts (<c>GET /api/dashboard/campaigns</c>), a filtered episode browser (<c>GET /api/dashboard/episodes</c>),
/// an episode's characters as the judge saw them (<c>GET /api/episodes/{id}/characters</c>) and the report's charts
/// (<see cref="DashboardCharts"/>).</summary>
internal static class DashboardApi
{
    private const int PageSize = 5_000;
    private const string InvalidQuery = "The episode query is not valid.";
    private const string InvalidRatings = "The human ratings are not valid.";
    private const int MaxProblemsShown = 50;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/campaigns/{id}/report", GetReportAsync);
        app.MapPost("api/campaigns/{id}/report", PostReportAsync);
        app.MapGet("api/campaigns/{id}/workers", GetWorkersAsync);
        app.MapGet("api/dashboard/campaigns", ListCampaignsAsync);
        app.MapGet("api/dashboard/episodes", ListEpisodesAsync);
        app.MapGet("api/episodes/{id}/characters", GetCharactersAsync);
        app.MapGet(DashboardCharts.Route, DashboardCharts.GetChartAsync);
        return app;
    }

    /// <summary>The campaign's report (<see cref="CampaignReportBuilder"/>, loaded as <c>sotopia report</c> loads it):
    /// paper table for all/hard, per-dimension scores, paired comparisons, histograms, rounds, tokens and cost,
    /// computed from the episodes stored so far.</summary>
    public static async Task<Results<Ok<CampaignReportData>, ProblemHttpResult>> GetReportAsync(
        string id, ISotopiaStore store, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        return TypedResults.Ok(await ReportSource.LoadAsync(store, campaign, null, cancellationToken));
    }

    /// <summary>The report with the judge-versus-human gap for the ratings in the body (<see cref="HumanRatingsRequest"/>,
    /// checked as <c>sotopia report --human</c> checks a file: 400 lists the first problems with file, line and field).</summary>
    public static async Task<Results<Ok<CampaignReportData>, ValidationProblem, ProblemHttpResult>> PostReportAsync(
        string id, HttpRequest request, ISotopiaStore store, CancellationToken cancellationToken)
    {
        var (body, errors) = await ApiJson.ReadAsync<HumanRatingsRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiProblems.Invalid(InvalidRatings, errors);
        }
        if (body.Format is not ("csv" or "jsonl"))
        {
            return ApiProblems.Invalid(InvalidRatings, "format", $"'{body.Format}' is not one of csv, jsonl");
        }
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        var ratings = body.Format == "csv" ? HumanRatingReader.ParseCsv(body.File, body.Text) : HumanRatingReader.ParseJsonl(body.File, body.Text);
        if (!ratings.IsValid)
        {
            var shown = ratings.Problems.Take(MaxProblemsShown).Select(p => p.ToString()).ToList();
            if (ratings.Problems.Length > MaxProblemsShown)
            {
                shown.Add($"… and {ratings.Problems.Length - MaxProblemsShown} more");
            }
            return ApiProblems.Invalid(InvalidRatings, "text", [.. shown]);
        }
        return TypedResults.Ok(await ReportSource.LoadAsync(store, campaign, ratings, cancellationToken));
    }

    public static async Task<Results<Ok<CampaignWorkersResponse>, ProblemHttpResult>> GetWorkersAsync(
        string id, ISotopiaStore store, ISiloDirectory silos, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        return TypedResults.Ok(new CampaignWorkersResponse
        {
            CampaignId = id,
            Driver = HasEnded(campaign.Status) ? null : await silos.CampaignDriverAsync(id, cancellationToken),
        });
    }

    /// <summary>Every campaign, newest first, with its episode counts.</summary>
    public static async Task<Ok<DashboardCampaignResponse[]>> ListCampaignsAsync(ISotopiaStore store, CancellationToken cancellationToken)
    {
        var campaigns = await store.ListCampaignsAsync(cancellationToken);
        var rows = new List<DashboardCampaignResponse>(campaigns.Count);
        foreach (var campaign in campaigns)
        {
            var counts = await store.CountEpisodesAsync(campaign.Id, null, cancellationToken);
            var usage = ReportUsage.ForCampaign(campaign);
            rows.Add(new DashboardCampaignResponse
            {
                Campaign = CampaignViews.Summary(campaign),
                Episodes = EpisodeCountsResponse.From(counts),
                CostUsd = usage.CostUsd,
                Tokens = usage.TotalTokens,
            });
        }
        return TypedResults.Ok(rows.ToArray());
    }

    /// <summary>Query: <c>campaign</c>, <c>round</c>, <c>phase</c> (bc, sr, eval), <c>status</c>, <c>scenario</c>
    /// (id or codename), <c>policy</c> (expert, partner, v&lt;n&gt;), <c>score</c> (goal or overall) with
    /// <c>min</c>/<c>max</c>, <c>offset</c>, <c>limit</c> (1..1000, default 50). Oldest first.</summary>
    public static async Task<Results<Ok<DashboardEpisodePageResponse>, ValidationProblem, ProblemHttpResult>> ListEpisodesAsync(
        HttpRequest request, ISotopiaStore store, EpisodeSetupCache datasets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var known = new HashSet<string>(["campaign", "round", "phase", "status", "scenario", "policy", "score", "min", "max", "offset", "limit"], StringComparer.Ordinal);
        foreach (var key in request.Query.Keys.Where(k => !known.Contains(k)))
        {
            errors[key] = [$"unknown parameter (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})"];
        }
        var filter = DashboardEpisodeQuery.Parse(name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(InvalidQuery, errors);
        }
        if (filter.CampaignId is { } campaignId && await store.GetCampaignAsync(campaignId, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Campaign '{campaignId}' does not exist.");
        }
        var episodes = await AllEpisodesAsync(
            store,
            new EpisodeQuery { CampaignId = filter.CampaignId, Round = filter.Round, Phase = filter.Phase, Status = filter.Status },
            cancellationToken);
        var matching = new List<(EpisodeRecord Episode, EpisodeSetup? Setup)>();
        foreach (var episode in episodes)
        {
            var setup = await TryGetSetupAsync(datasets, episode, cancellationToken);
            if (filter.Matches(episode, setup?.Scenario.Codename))
            {
                matching.Add((episode, setup));
            }
        }
        return TypedResults.Ok(new DashboardEpisodePageResponse
        {
            Offset = filter.Offset,
            Limit = filter.Limit,
            Total = matching.Count,
            Items = [.. matching.Skip(filter.Offset).Take(filter.Limit).Select(m => EpisodeViews.Summary(m.Episode, m.Setup))],
        });
    }

    public static async Task<Results<Ok<EpisodeCharacterResponse[]>, ProblemHttpResult>> GetCharactersAsync(
        string id, ISotopiaStore store, EpisodeSetupCache datasets, CancellationToken cancellationToken)
    {
        var episode = await store.GetEpisodeAsync(id, cancellationToken);
        if (episode is null)
        {
            return ApiProblems.NotFound($"Episode '{id}' does not exist.");
        }
        var setup = await TryGetSetupAsync(datasets, episode, cancellationToken);
        if (setup is null)
        {
            return ApiProblems.NotFound($"Episode '{id}' exists, but its scenario or characters are no longer in the store's dataset.");
        }
        return TypedResults.Ok(new[] { Character(setup, 0), Character(setup, 1) });
    }

    private static EpisodeCharacterResponse Character(EpisodeSetup setup, int seat)
    {
        var c = setup.Agent(seat);
        return new EpisodeCharacterResponse
        {
            Seat = seat,
            CharacterId = c.Id,
            Name = c.FullName,
            Age = c.Age,
            Gender = c.Gender,
            GenderPronoun = c.GenderPronoun,
            Occupation = c.Occupation,
            PublicInfo = c.PublicInfo,
            BigFive = c.BigFive,
            MoralValues = c.MoralValues.IsDefault ? [] : c.MoralValues,
            SchwartzPersonalValues = c.SchwartzPersonalValues.IsDefault ? [] : c.SchwartzPersonalValues,
            PersonalityAndValues = c.PersonalityAndValues,
            DecisionMakingStyle = c.DecisionMakingStyle,
            Secret = c.Secret,
            Goal = HintTags.Render(setup.Goal(seat)),
        };
    }

    private static bool HasEnded(CampaignStatus status) =>
        status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled;

    private static async Task<List<EpisodeRecord>> AllEpisodesAsync(ISotopiaStore store, EpisodeQuery query, CancellationToken cancellationToken)
    {
        var episodes = new List<EpisodeRecord>();
        while (true)
        {
            var page = await store.ListEpisodesAsync(query with { Offset = episodes.Count, Limit = PageSize }, cancellationToken);
            episodes.AddRange(page);
            if (page.Count < PageSize)
            {
                return episodes;
            }
        }
    }

    private static async Task<EpisodeSetup?> TryGetSetupAsync(EpisodeSetupCache datasets, EpisodeRecord episode, CancellationToken ct)
    {
        try
        {
            return await datasets.GetSetupAsync(episode, ct);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }
}
