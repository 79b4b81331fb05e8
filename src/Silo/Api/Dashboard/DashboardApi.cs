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
    /// <summary>At most this many episodes are read for one page of the episode browser.</summary>
    public const int ScanLimit = 2_000;
    private const int ScanPage = 500;
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
    /// computed from the episodes stored so far; a repeat is served from <see cref="CampaignReportCache"/> until the
    /// campaign's episode counts or revision change.</summary>
    public static async Task<Results<Ok<CampaignReportData>, ProblemHttpResult>> GetReportAsync(
        string id, ISotopiaStore store, CampaignReportCache reports, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        return TypedResults.Ok(await reports.GetAsync(store, campaign, cancellationToken));
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

    /// <summary>Every campaign, newest first, with its episode counts and its model tokens and cost: none for a
    /// simulator campaign; for a model campaign the campaign view's figures, from <see cref="CampaignUsageCache"/> (a
    /// build reads the campaign's per-episode report rows, 0.5–1 s per 100,000 episodes; a repeat reads nothing until a
    /// result, or 10 s while episodes run).</summary>
    public static async Task<Ok<DashboardCampaignResponse[]>> ListCampaignsAsync(
        ISotopiaStore store, CampaignUsageCache usages, CancellationToken cancellationToken)
    {
        var campaigns = await store.ListCampaignsAsync(cancellationToken);
        var rows = new List<DashboardCampaignResponse>(campaigns.Count);
        foreach (var campaign in campaigns)
        {
            var counts = await store.CountEpisodesAsync(campaign.Id, null, cancellationToken);
            var usage = ReportUsage.IsSimulator(campaign)
                ? UsageTotals.Simulator
                : ReportUsage.Of(await usages.GetAsync(store, campaign, counts, cancellationToken));
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
    /// <c>min</c>/<c>max</c>, <c>cursor</c> (a page's <c>next_cursor</c>), <c>limit</c> (1..1000, default 50). Oldest
    /// first, paged by cursor (created time, id): a page reads its own rows from an index, whatever its depth. Campaign,
    /// round, phase and status filter in the store; scenario, policy and score per episode, reading at most
    /// <see cref="ScanLimit"/> episodes per request (the page then ends early, with a <c>next_cursor</c> to go on).
    /// <c>total</c> is the store's count for its part of the filter; with a per-episode filter it is counted in one
    /// bounded pass when the store selects at most <see cref="ScanLimit"/> episodes, else null (not counted).</summary>
    public static async Task<Results<Ok<DashboardEpisodePageResponse>, ValidationProblem, ProblemHttpResult>> ListEpisodesAsync(
        HttpRequest request, ISotopiaStore store, EpisodeSetupCache datasets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var known = new HashSet<string>(["campaign", "round", "phase", "status", "scenario", "policy", "score", "min", "max", "cursor", "limit"], StringComparer.Ordinal);
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

        // The store counts what its part of the filter selects (an index count): exact unless a per-episode filter
        // narrows it further.
        var candidates = await store.CountMatchingEpisodesAsync(filter.StoreQuery, cancellationToken);
        var matches = new List<(EpisodeRecord Episode, EpisodeSetup? Setup)>();
        int? total = filter.FiltersInMemory ? null : candidates;
        var scanned = 0;
        EpisodeCursor? next;
        if (filter.FiltersInMemory && candidates <= ScanLimit)
        {
            // Few enough to count exactly in one bounded pass.
            var all = await store.ListEpisodesAsync(filter.StoreQuery with { Limit = ScanLimit }, cancellationToken);
            scanned = all.Count;
            var count = 0;
            foreach (var episode in all)
            {
                var setup = await TryGetSetupAsync(datasets, episode, cancellationToken);
                if (!filter.Matches(episode, setup?.Scenario.Codename))
                {
                    continue;
                }
                count++;
                if (matches.Count <= filter.Limit && (filter.Cursor is null || IsAfter(episode, filter.Cursor)))
                {
                    matches.Add((episode, setup));
                }
            }
            total = count;
            next = matches.Count > filter.Limit ? EpisodeCursor.After(matches[filter.Limit - 1].Episode) : null;
        }
        else
        {
            // Read from the cursor until the page and one more match are found, the candidates end, or the scan budget
            // is spent (then the next page starts after the last episode read).
            var position = filter.Cursor;
            var exhausted = false;
            while (matches.Count <= filter.Limit && scanned < ScanLimit && !exhausted)
            {
                var size = filter.FiltersInMemory ? Math.Min(ScanPage, ScanLimit - scanned) : filter.Limit + 1 - matches.Count;
                var page = await store.ListEpisodesAsync(filter.StoreQuery with { After = position, Limit = size }, cancellationToken);
                exhausted = page.Count < size;
                foreach (var episode in page)
                {
                    scanned++;
                    position = EpisodeCursor.After(episode);
                    var setup = await TryGetSetupAsync(datasets, episode, cancellationToken);
                    if (filter.Matches(episode, setup?.Scenario.Codename))
                    {
                        matches.Add((episode, setup));
                        if (matches.Count > filter.Limit)
                        {
                            break;
                        }
                    }
                }
            }
            next = matches.Count > filter.Limit ? EpisodeCursor.After(matches[filter.Limit - 1].Episode)
                : exhausted ? null
                : position;
        }
        return TypedResults.Ok(new DashboardEpisodePageResponse
        {
            Cursor = filter.Cursor?.Encode(),
            Limit = filter.Limit,
            Total = total,
            Scanned = scanned,
            NextCursor = next?.Encode(),
            Items = [.. matches.Take(filter.Limit).Select(m => EpisodeViews.Summary(m.Episode, m.Setup))],
        });
    }

    /// <summary>Whether the episode comes after the cursor in listing order (created time, then id byte-wise, as the stores order).</summary>
    private static bool IsAfter(EpisodeRecord episode, EpisodeCursor cursor)
    {
        var ms = episode.CreatedAt.ToUnixTimeMilliseconds();
        return ms > cursor.CreatedAtMs || (ms == cursor.CreatedAtMs && string.CompareOrdinal(episode.Id, cursor.Id) > 0);
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
