using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The columns of the <c>episode_reports</c> table (both stores), which holds an
/// <see cref="EpisodeReportRow"/> per episode so that a report reads neither the episode documents (with the judge's
/// reasoning and the prompts) nor the turns. Its key columns copy the episode's (campaign, created_at, id, round,
/// phase, task, scenario), which never change; <c>status</c> is the status as of the last write of the row: pending
/// until the episode ends or is cancelled (a running episode still says pending; the reader asks the episodes table
/// which ones run); <c>report</c> is a small JSON document (seats, scored seats, the scored seats' 7 scores, the
/// failure's first line); <c>usage</c> the episode's model usage summed per model, written when the episode ends or
/// is cancelled by one aggregate over its turns (plus the judgement's usage), so it is recomputed from the stored
/// turns, never incremented: a repeated write cannot count a call twice. JSON is read and written with source
/// generation (<see cref="EpisodeReportJsonContext"/>).</summary>
internal static class EpisodeReportColumns
{
    /// <summary>The <c>report</c> column of an episode as created (or as stored when it is created already ended).</summary>
    public static string Report(EpisodeRecord episode)
    {
        return JsonSerializer.Serialize(new StoredReport
        {
            Seats = [.. episode.Seats],
            ScoredSeats = [.. episode.ScoredSeats],
            Scores = BothSeats(episode.Outcome),
            Failure = EpisodeReportRow.FailureOf(episode.Status, episode.FailureReason, episode.Outcome),
        }, EpisodeReportJsonContext.Default.StoredReport);
    }

    /// <summary>What an episode's completion merges into its <c>report</c> column (JSON merge: json_patch / jsonb ||):
    /// the scores of both seats when judged, the failure's first line when it failed.</summary>
    public static string CompletionPatch(EpisodeCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return JsonSerializer.Serialize(new StoredReportPatch
        {
            Scores = BothSeats(completion.Outcome),
            Failure = EpisodeReportRow.FailureOf(completion.Status, completion.FailureReason, completion.Outcome),
        }, EpisodeReportJsonContext.Default.StoredReportPatch);
    }

    /// <summary>The <c>usage</c> column of the given calls (C#-side twin of the stores' SQL aggregates).</summary>
    public static string Usage(IEnumerable<CallUsage> calls) =>
        JsonSerializer.Serialize(
            [.. EpisodeReportRow.SumByModel(calls).Select(u => new StoredModelUsage { Model = u.Model, Prompt = u.PromptTokens, Completion = u.CompletionTokens, Cached = u.CachedTokens })],
            EpisodeReportJsonContext.Default.StoredModelUsageArray);

    /// <summary>The 7 scores of both seats (index = seat) when the judgement succeeded: the completion does not need
    /// to know which seats are scored (the row has them since the episode was created).</summary>
    private static int[][]? BothSeats(EvaluationOutcome? outcome) =>
        outcome is { Succeeded: true } judged ? [Scores(judged.Evaluation.Agent1), Scores(judged.Evaluation.Agent2)] : null;

    private static int[] Scores(SeatEvaluation evaluation) => [.. evaluation.Scores.Select(s => s.Score)];
}

/// <summary>Reads the rows of one listing. A report of 100,000 episodes keeps every row in memory at once, so the reader
/// shares what repeats between rows instead of allocating it per row: the parsed <c>report</c> and <c>usage</c> documents
/// by their text (most episodes of a campaign have the same seats and one of a few hundred score combinations), seat
/// evaluations by their 7 scores, and the short strings (phase, task, scenario). Measured at 100,000 rows: reading and
/// parsing without sharing took 1.5 s, most of it the garbage collector tracing ~3 million retained objects.</summary>
internal sealed class EpisodeReportReader(string store)
{
    private const int MaxShared = 50_000;
    private static readonly DimensionScore[] Scores = [.. Enumerable.Range(-10, 21).Select(v => new DimensionScore(v, ""))];

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ImmutableArray<SeatBinding> Seats, ImmutableArray<int> Scored, ImmutableArray<SeatEvaluation> Scores, string? Failure)> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableArray<CallUsage>> _usages = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SeatEvaluation> _evaluations = [];
    private readonly Dictionary<(SeatBinding, SeatBinding), ImmutableArray<SeatBinding>> _seats = [];

    /// <summary>The same instance for equal short strings read from different rows.</summary>
    public string Share(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }
        if (_strings.Count < MaxShared)
        {
            _strings[value] = value;
        }
        return value;
    }

    /// <summary>A stored row; the store is named in errors.</summary>
    public EpisodeReportRow Row(
        string campaignId, string id, int round, string phase, string taskId, string scenarioId, EpisodeStatus status, string report, string? usage)
    {
        try
        {
            if (!_reports.TryGetValue(report, out var parsed))
            {
                parsed = Parse(id, report);
                if (_reports.Count < MaxShared)
                {
                    _reports[report] = parsed;
                }
            }
            var calls = ImmutableArray<CallUsage>.Empty;
            if (usage is not null && !_usages.TryGetValue(usage, out calls))
            {
                var models = JsonSerializer.Deserialize(usage, EpisodeReportJsonContext.Default.StoredModelUsageArray)
                    ?? throw new InvalidDataException($"{store}: the usage of episode '{id}' is JSON null.");
                calls = EpisodeReportRow.SumByModel(models.Select(m => new CallUsage(Share(m.Model), checked((int)m.Prompt), checked((int)m.Completion), checked((int)m.Cached), TimeSpan.Zero)));
                if (_usages.Count < MaxShared)
                {
                    _usages[usage] = calls;
                }
            }
            return new EpisodeReportRow
            {
                Id = id,
                CampaignId = campaignId,
                Round = round,
                Phase = Share(phase),
                TaskId = Share(taskId),
                ScenarioId = Share(scenarioId),
                Status = status,
                Seats = parsed.Seats,
                ScoredSeats = parsed.Scored,
                Scores = parsed.Scores,
                FailureReason = parsed.Failure,
                Usage = calls,
            };
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{store}: the report row of episode '{id}' has invalid JSON: {error.Message}", error);
        }
        catch (Exception error) when (error is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"{store}: the report row of episode '{id}' is invalid: {error.Message}", error);
        }
    }

    private (ImmutableArray<SeatBinding>, ImmutableArray<int>, ImmutableArray<SeatEvaluation>, string?) Parse(string id, string report)
    {
        var stored = JsonSerializer.Deserialize(report, EpisodeReportJsonContext.Default.StoredReport)
            ?? throw new InvalidDataException($"{store}: the report row of episode '{id}' is JSON null.");
        ImmutableArray<SeatBinding> seats;
        if (stored.Seats.Length == 2)
        {
            var key = (stored.Seats[0], stored.Seats[1]);
            if (!_seats.TryGetValue(key, out seats))
            {
                _seats[key] = seats = [.. stored.Seats];
            }
        }
        else
        {
            seats = [.. stored.Seats];
        }
        return (seats, [.. stored.ScoredSeats],
            stored.Scores is null ? [] : [.. stored.ScoredSeats.Select(seat => Evaluation(stored.Scores[seat]))],
            stored.Failure is null ? null : Share(stored.Failure));
    }

    /// <summary>One instance per combination of 7 scores (each in -10..10: 5 bits each).</summary>
    private SeatEvaluation Evaluation(int[] scores)
    {
        if (scores.Length != DimensionInfo.Count || scores.Any(v => v is < -10 or > 10))
        {
            throw new ArgumentException($"expected {DimensionInfo.Count} scores in -10..10, got [{string.Join(", ", scores)}]");
        }
        var key = 0L;
        foreach (var value in scores)
        {
            key = (key << 5) | (long)(value + 10);
        }
        if (!_evaluations.TryGetValue(key, out var evaluation))
        {
            _evaluations[key] = evaluation = new SeatEvaluation([.. scores.Select(v => Scores[v + 10])]);
        }
        return evaluation;
    }
}

internal sealed class StoredReport
{
    public SeatBinding[] Seats { get; set; } = [];
    public int[] ScoredSeats { get; set; } = [];
    public int[][]? Scores { get; set; }
    public string? Failure { get; set; }
}

internal sealed class StoredReportPatch
{
    public int[][]? Scores { get; set; }
    public string? Failure { get; set; }
}

internal sealed class StoredModelUsage
{
    public string Model { get; set; } = "";
    public long Prompt { get; set; }
    public long Completion { get; set; }
    public long Cached { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredReport))]
[JsonSerializable(typeof(StoredReportPatch))]
[JsonSerializable(typeof(StoredModelUsage[]))]
internal sealed partial class EpisodeReportJsonContext : JsonSerializerContext;
