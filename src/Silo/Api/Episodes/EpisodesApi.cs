using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Silo.Api.Episodes;

/// <summary><c>/api/campaigns/{id}/episodes</c> (a page of a campaign's episodes, filtered by round and status)
/// and <c>/api/episodes/{id}</c> (one episode with its transcript and scores).</summary>
internal static class EpisodesApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;
    private const string InvalidQuery = "The episode query is not valid.";

    public static IEndpointRouteBuilder MapEpisodesApi(this IEndpointRouteBuilder app)
    {
        var byCampaign = app.MapGroup("api/campaigns/{campaignId}/episodes");
        byCampaign.MapGet("/", ListEpisodesAsync);
        var api = app.MapGroup("api/episodes");
        api.MapGet("/{id}", GetEpisodeAsync);
        return app;
    }

    /// <summary>Query: <c>round</c> (stage index), <c>status</c> (pending, running, completed, evaluation_failed,
    /// failed, cancelled), <c>cursor</c> (a page's <c>next_cursor</c>) or <c>offset</c> (≥ 0; a deep offset costs a
    /// scan of the rows it skips), <c>limit</c> (1..1000, default 50). Oldest first. The page is one indexed read of
    /// at most <c>limit</c> + 1 episodes; <c>total</c> comes from the store's counts by status.</summary>
    public static async Task<Results<Ok<EpisodePageResponse>, ValidationProblem, ProblemHttpResult>> ListEpisodesAsync(
        string campaignId,
        [FromQuery(Name = "round")] string? roundText,
        [FromQuery(Name = "status")] string? statusText,
        [FromQuery(Name = "cursor")] string? cursorText,
        [FromQuery(Name = "offset")] string? offsetText,
        [FromQuery(Name = "limit")] string? limitText,
        ISotopiaStore store,
        EpisodeSetupCache datasets,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var round = ParseInt(roundText, "round", 0, int.MaxValue, null, errors);
        var offset = ParseInt(offsetText, "offset", 0, int.MaxValue, 0, errors) ?? 0;
        var limit = ParseInt(limitText, "limit", 1, MaxLimit, DefaultLimit, errors) ?? DefaultLimit;
        EpisodeStatus? status = null;
        if (!string.IsNullOrWhiteSpace(statusText))
        {
            status = ApiJson.ParseEnum<EpisodeStatus>(statusText);
            if (status is null)
            {
                errors["status"] = [$"'{statusText}' is not one of {string.Join(", ", ApiJson.EnumNames(typeof(EpisodeStatus)))}"];
            }
        }
        var cursor = ApiJson.ParseCursor(cursorText, errors);
        if (cursor is not null && offset > 0)
        {
            errors["offset"] = ["cannot be combined with cursor"];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(InvalidQuery, errors);
        }
        if (await store.GetCampaignAsync(campaignId, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Campaign '{campaignId}' does not exist.");
        }

        // One more than the page, to know whether a next page exists.
        var episodes = await store.ListEpisodesAsync(
            new EpisodeQuery { CampaignId = campaignId, Round = round, Status = status, After = cursor, Offset = offset, Limit = limit + 1 }, cancellationToken);
        var total = CountOf(await store.CountEpisodesAsync(campaignId, round, cancellationToken), status);
        var items = new List<EpisodeSummaryResponse>(Math.Min(episodes.Count, limit));
        foreach (var episode in episodes.Take(limit))
        {
            items.Add(EpisodeViews.Summary(episode, await TryGetSetupAsync(datasets, episode, cancellationToken)));
        }
        return TypedResults.Ok(new EpisodePageResponse
        {
            CampaignId = campaignId,
            Offset = offset,
            Limit = limit,
            Total = total,
            Cursor = cursor?.Encode(),
            NextCursor = episodes.Count > limit ? EpisodeCursor.After(episodes[limit - 1]).Encode() : null,
            Items = [.. items],
        });
    }

    /// <summary>How many of <paramref name="counts"/> are in <paramref name="status"/> (all when null).</summary>
    internal static int CountOf(EpisodeCounts counts, EpisodeStatus? status) => status switch
    {
        null => counts.Total,
        EpisodeStatus.Pending => counts.Pending,
        EpisodeStatus.Running => counts.Running,
        EpisodeStatus.Completed => counts.Completed,
        EpisodeStatus.EvaluationFailed => counts.EvaluationFailed,
        EpisodeStatus.Failed => counts.Failed,
        _ => counts.Cancelled,
    };

    public static async Task<Results<Ok<EpisodeDetailResponse>, ProblemHttpResult>> GetEpisodeAsync(
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
        var turns = await store.GetTurnsAsync(id, cancellationToken);
        return TypedResults.Ok(EpisodeViews.Detail(episode, setup, turns));
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

    private static int? ParseInt(string? text, string field, int min, int max, int? fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            errors[field] = [$"'{text}' is not a whole number"];
            return fallback;
        }
        if (value < min || value > max)
        {
            errors[field] = [max == int.MaxValue ? $"{value} must be at least {min}" : $"{value} is outside {min}..{max}"];
            return fallback;
        }
        return value;
    }
}
