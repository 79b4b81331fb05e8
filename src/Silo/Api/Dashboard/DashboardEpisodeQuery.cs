using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>The episode browser's filter, parsed and validated from the query string. Store-side parts
/// (campaign, round, phase, status) narrow the listing; the rest (scenario, who played, score range) is
/// matched per episode by <see cref="Matches"/>.</summary>
internal sealed partial record DashboardEpisodeQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public string? CampaignId { get; init; }
    public int? Round { get; init; }
    public string? Phase { get; init; }
    public EpisodeStatus? Status { get; init; }
    /// <summary>A scenario id or codename (case-insensitive).</summary>
    public string? Scenario { get; init; }
    /// <summary>"expert", "partner" or "v&lt;n&gt;" (the trained policy's version n).</summary>
    public string? Policy { get; init; }
    /// <summary>"goal" or "overall": which score <see cref="Min"/> and <see cref="Max"/> bound.</summary>
    public string Score { get; init; } = "goal";
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>Where the page starts: after this episode (the previous page's <c>next_cursor</c>); null = the first page.</summary>
    public EpisodeCursor? Cursor { get; init; }
    public int Limit { get; init; } = DefaultLimit;

    public bool HasScoreRange => Min is not null || Max is not null;

    /// <summary>Whether some condition is checked per episode (<see cref="Matches"/>) rather than by the store.</summary>
    public bool FiltersInMemory => Scenario is not null || Policy is not null || HasScoreRange;

    /// <summary>The store-side part of the filter.</summary>
    public EpisodeQuery StoreQuery => new() { CampaignId = CampaignId, Round = Round, Phase = Phase, Status = Status };

    /// <summary>Parses the query values; every wrong one is named in <paramref name="errors"/>.</summary>
    public static DashboardEpisodeQuery Parse(Func<string, string?> query, Dictionary<string, string[]> errors)
    {
        var campaign = Text(query("campaign"));
        if (campaign is not null && !IdPattern().IsMatch(campaign))
        {
            errors["campaign"] = ["must be 1 to 100 letters, digits, '.', '_' or '-'"];
        }
        var phase = Text(query("phase"))?.ToLowerInvariant();
        if (phase is not null && phase is not ("bc" or "sr" or "eval"))
        {
            errors["phase"] = [$"'{phase}' is not one of bc, sr, eval"];
        }
        EpisodeStatus? status = null;
        if (Text(query("status")) is { } statusText)
        {
            status = ApiJson.ParseEnum<EpisodeStatus>(statusText);
            if (status is null)
            {
                errors["status"] = [$"'{statusText}' is not one of {string.Join(", ", ApiJson.EnumNames(typeof(EpisodeStatus)))}"];
            }
        }
        var policy = Text(query("policy"))?.ToLowerInvariant();
        if (policy is not null && !PolicyPattern().IsMatch(policy))
        {
            errors["policy"] = [$"'{policy}' is not expert, partner or v<version> (e.g. v2)"];
        }
        var score = Text(query("score"))?.ToLowerInvariant() ?? "goal";
        if (score is not ("goal" or "overall"))
        {
            errors["score"] = [$"'{score}' is not one of goal, overall"];
        }
        var (low, high) = score == "overall" ? (-10.0, 10.0) : (0.0, 10.0);
        var min = ParseDouble(query("min"), "min", low, high, errors);
        var max = ParseDouble(query("max"), "max", low, high, errors);
        if (min is not null && max is not null && min > max)
        {
            errors["min"] = [$"{min.Value.ToString(CultureInfo.InvariantCulture)} is above max {max.Value.ToString(CultureInfo.InvariantCulture)}"];
        }
        return new DashboardEpisodeQuery
        {
            CampaignId = campaign,
            Round = ParseInt(query("round"), "round", 0, int.MaxValue, errors),
            Phase = phase,
            Status = status,
            Scenario = Text(query("scenario")),
            Policy = policy,
            Score = score,
            Min = min,
            Max = max,
            Cursor = ApiJson.ParseCursor(query("cursor"), errors),
            Limit = ParseInt(query("limit"), "limit", 1, MaxLimit, errors) ?? DefaultLimit,
        };
    }

    /// <summary>Whether the episode matches the scenario and the seat conditions: some seat is played by
    /// <see cref="Policy"/> (when given) and, when a score range is given, that seat is scored with a score
    /// in the range.</summary>
    public bool Matches(EpisodeRecord episode, string? scenarioCodename)
    {
        if (Scenario is not null
            && !string.Equals(episode.ScenarioId, Scenario, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(scenarioCodename, Scenario, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Policy is null && !HasScoreRange)
        {
            return true;
        }
        for (var seat = 0; seat < episode.Seats.Length; seat++)
        {
            if (Policy is not null && !Plays(episode.Seats[seat], Policy))
            {
                continue;
            }
            if (!HasScoreRange)
            {
                return true;
            }
            if (!episode.ScoredSeats.Contains(seat) || episode.Outcome is not { Succeeded: true } outcome)
            {
                continue;
            }
            var evaluation = outcome.Evaluation.ForSeat(seat);
            var value = Score == "overall" ? evaluation.Overall : evaluation.Goal;
            if ((Min is null || value >= Min) && (Max is null || value <= Max))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Plays(SeatBinding seat, string policy) => policy switch
    {
        AgentRoles.Expert or AgentRoles.Partner => seat.Role == policy,
        _ => seat.Role == AgentRoles.Policy && policy == $"v{seat.Version.ToString(CultureInfo.InvariantCulture)}",
    };

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int? ParseInt(string? text, string field, int min, int max, Dictionary<string, string[]> errors)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            errors[field] = [$"'{value}' is not a whole number"];
            return null;
        }
        if (number < min || number > max)
        {
            errors[field] = [max == int.MaxValue ? $"{number} must be at least {min}" : $"{number} is outside {min}..{max}"];
            return null;
        }
        return number;
    }

    private static double? ParseDouble(string? text, string field, double min, double max, Dictionary<string, string[]> errors)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            errors[field] = [$"'{value}' is not a number"];
            return null;
        }
        if (number < min || number > max)
        {
            errors[field] = [$"{value} is outside {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}"];
            return null;
        }
        return number;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^(expert|partner|v[0-9]{1,9})$")]
    private static partial Regex PolicyPattern();
}
