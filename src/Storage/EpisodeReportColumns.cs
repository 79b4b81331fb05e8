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
/// which ones run); <c>report</c> is a small JSON document (seats, scored seats, the failure's first line) that most
/// episodes of a campaign share word for word, so a reader parses each distinct one once; <c>scores</c> the 7 scores
/// of both seats as 14 signed bytes (no JSON to parse per episode); <c>usage</c> the episode's model usage summed per
/// model (calls, prompt, completion and cached tokens), written when the episode ends or is cancelled by one aggregate over its turns (plus the judgement's usage),
/// so it is recomputed from the stored turns, never incremented: a repeated write cannot count a call twice. JSON is
/// read and written with source generation (<see cref="EpisodeReportJsonContext"/>).</summary>
internal static class EpisodeReportColumns
{
    /// <summary>The <c>report</c> column of an episode as created (or as stored when it is created already ended).</summary>
    public static string Report(EpisodeRecord episode) =>
        JsonSerializer.Serialize(new StoredReport
        {
            Seats = [.. episode.Seats],
            ScoredSeats = [.. episode.ScoredSeats],
            Failure = EpisodeReportRow.FailureOf(episode.Status, episode.FailureReason, episode.Outcome),
        }, EpisodeReportJsonContext.Default.StoredReport);

    /// <summary>What an episode's completion merges into its <c>report</c> column (JSON merge: json_patch / jsonb ||):
    /// the failure's first line when it failed (an empty object otherwise).</summary>
    public static string CompletionPatch(EpisodeCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return JsonSerializer.Serialize(new StoredReportPatch
        {
            Failure = EpisodeReportRow.FailureOf(completion.Status, completion.FailureReason, completion.Outcome),
        }, EpisodeReportJsonContext.Default.StoredReportPatch);
    }

    /// <summary>The <c>scores</c> column: the 7 scores of seat 0 then of seat 1 as signed bytes, when the judgement
    /// succeeded (the completion need not know which seats are scored: the row has them since the episode was
    /// created); null otherwise.</summary>
    public static byte[]? Scores(EvaluationOutcome? outcome)
    {
        if (outcome is not { Succeeded: true } judged)
        {
            return null;
        }
        var bytes = new byte[2 * DimensionInfo.Count];
        for (var d = 0; d < DimensionInfo.Count; d++)
        {
            bytes[d] = unchecked((byte)(sbyte)judged.Evaluation.Agent1.Scores[d].Score);
            bytes[DimensionInfo.Count + d] = unchecked((byte)(sbyte)judged.Evaluation.Agent2.Scores[d].Score);
        }
        return bytes;
    }

    /// <summary>The <c>status</c> column for an episode in <paramref name="status"/>: a running episode's row says
    /// pending until it ends (a report reads a running episode's usage from its turns).</summary>
    public static string Status(EpisodeStatus status) =>
        StoreValues.Name(status == EpisodeStatus.Running ? EpisodeStatus.Pending : status);

    /// <summary>The <c>usage</c> column of an episode being created: its judgement's, if it was stored already judged
    /// (it has no turns yet); null otherwise.</summary>
    public static string? CreatedUsage(EpisodeRecord episode) =>
        episode.Outcome?.Usage is { } judge ? Usage([judge]) : null;

    /// <summary>The <c>usage</c> column the backfill gives an episode stored before the report rows existed: its turns'
    /// and judgement's usage when it has ended; null while it is pending or running (read from its turns meanwhile).</summary>
    public static string? BackfilledUsage(EpisodeRecord episode, IEnumerable<CallUsage> turnCalls) =>
        episode.Status is EpisodeStatus.Pending or EpisodeStatus.Running ? null : Usage(EpisodeReportRow.From(episode, turnCalls).Usage);

    /// <summary>The rows of a listing with the running episodes among them marked running, with the usage of their
    /// stored turns (<paramref name="running"/>: the running episodes' turn usage by episode id).</summary>
    public static List<EpisodeReportRow> WithRunning(IEnumerable<EpisodeReportRow> rows, IReadOnlyDictionary<string, List<CallUsage>> running) =>
        [.. rows.Select(r => running.TryGetValue(r.Id, out var calls)
            ? r with { Status = EpisodeStatus.Running, Usage = EpisodeReportRow.SumByModel(calls) }
            : r)];

    /// <summary>The <c>usage</c> column of the given calls (C#-side twin of the stores' SQL aggregates).</summary>
    public static string Usage(IEnumerable<CallUsage> calls) => Usage(EpisodeReportRow.SumByModel(calls));

    /// <summary>The <c>usage</c> column of per-model totals.</summary>
    public static string Usage(ImmutableArray<ModelCalls> totals) =>
        JsonSerializer.Serialize(
            [.. totals.Select(u => new StoredModelUsage { Model = u.Model, Calls = u.Calls, Prompt = u.PromptTokens, Completion = u.CompletionTokens, Cached = u.CachedTokens })],
            EpisodeReportJsonContext.Default.StoredModelUsageArray);
}

/// <summary>Reads the rows of one listing. A report of 100,000 episodes keeps every row in memory at once, so the reader
/// shares what repeats between rows instead of allocating it per row: the parsed <c>report</c> and <c>usage</c>
/// documents by their text (most episodes of a campaign have the same seats and no failure), seat evaluations by their
/// 7 scores, and the short strings (phase, task, scenario). Measured at 100,000 rows: reading and parsing a JSON document
/// with the scores per row, without sharing, took 1.5–2 s, much of it the garbage collector tracing the retained objects.</summary>
internal sealed class EpisodeReportReader(string store)
{
    private const int MaxShared = 50_000;
    private static readonly DimensionScore[] SharedScores = [.. Enumerable.Range(-10, 21).Select(v => new DimensionScore(v, ""))];

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ImmutableArray<SeatBinding> Seats, ImmutableArray<int> Scored, string? Failure)> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableArray<ModelCalls>> _usages = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SeatEvaluation> _evaluations = [];
    private readonly Dictionary<(long, long), ImmutableArray<SeatEvaluation>> _scoreSets = [];

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
        string campaignId, string id, int round, string phase, string taskId, string scenarioId, EpisodeStatus status,
        string report, ReadOnlySpan<byte> scores, string? usage)
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
            var calls = ImmutableArray<ModelCalls>.Empty;
            if (usage is not null && !_usages.TryGetValue(usage, out calls))
            {
                var models = JsonSerializer.Deserialize(usage, EpisodeReportJsonContext.Default.StoredModelUsageArray)
                    ?? throw new InvalidDataException($"{store}: the usage of episode '{id}' is JSON null.");
                calls = EpisodeReportRow.SumByModel(models.Select(m => new ModelCalls(Share(m.Model), checked((int)m.Calls), checked((int)m.Prompt), checked((int)m.Completion), checked((int)m.Cached))));
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
                Scores = scores.IsEmpty ? [] : ScoresOf(parsed.Scored, scores),
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

    private (ImmutableArray<SeatBinding>, ImmutableArray<int>, string?) Parse(string id, string report)
    {
        var stored = JsonSerializer.Deserialize(report, EpisodeReportJsonContext.Default.StoredReport)
            ?? throw new InvalidDataException($"{store}: the report row of episode '{id}' is JSON null.");
        return ([.. stored.Seats], [.. stored.ScoredSeats], stored.Failure);
    }

    /// <summary>The scored seats' evaluations from the 14 stored bytes; shared between rows with the same scores.</summary>
    private ImmutableArray<SeatEvaluation> ScoresOf(ImmutableArray<int> scored, ReadOnlySpan<byte> scores)
    {
        if (scores.Length != 2 * DimensionInfo.Count)
        {
            throw new ArgumentException($"expected {2 * DimensionInfo.Count} score bytes, got {scores.Length}");
        }
        var keys = (Key(scores[..DimensionInfo.Count]), Key(scores[DimensionInfo.Count..]));
        long KeyOf(int seat) => seat switch { 0 => keys.Item1, 1 => keys.Item2, _ => throw new ArgumentException($"seat {seat} is not 0 or 1") };
        if (scored.Length > 2)
        {
            throw new ArgumentException($"{scored.Length} scored seats");
        }
        // The evaluations depend only on the scores, in the scored seats' order.
        var set = (scored.Length > 0 ? KeyOf(scored[0]) : -1, scored.Length > 1 ? KeyOf(scored[1]) : -1);
        if (_scoreSets.TryGetValue(set, out var shared) && shared.Length == scored.Length)
        {
            return shared;
        }
        var evaluations = ImmutableArray.CreateBuilder<SeatEvaluation>(scored.Length);
        foreach (var seat in scored)
        {
            evaluations.Add(Evaluation(KeyOf(seat), scores.Slice(seat * DimensionInfo.Count, DimensionInfo.Count).ToArray()));
        }
        var result = evaluations.MoveToImmutable();
        if (_scoreSets.Count < MaxShared)
        {
            _scoreSets[set] = result;
        }
        return result;
    }

    /// <summary>7 scores in -10..10 packed into 35 bits (5 each).</summary>
    private static long Key(ReadOnlySpan<byte> scores)
    {
        var key = 0L;
        foreach (var b in scores)
        {
            var value = (sbyte)b;
            if (value is < -10 or > 10)
            {
                throw new ArgumentException($"score {value} is outside -10..10");
            }
            key = (key << 5) | (long)(value + 10);
        }
        return key;
    }

    private SeatEvaluation Evaluation(long key, byte[] scores)
    {
        if (!_evaluations.TryGetValue(key, out var evaluation))
        {
            evaluation = new SeatEvaluation([.. scores.Select(b => SharedScores[(sbyte)b + 10])]);
            if (_evaluations.Count < MaxShared * 4)
            {
                _evaluations[key] = evaluation;
            }
        }
        return evaluation;
    }
}

internal sealed class StoredReport
{
    public SeatBinding[] Seats { get; set; } = [];
    public int[] ScoredSeats { get; set; } = [];
    public string? Failure { get; set; }
}

internal sealed class StoredReportPatch
{
    public string? Failure { get; set; }
}

internal sealed class StoredModelUsage
{
    public string Model { get; set; } = "";
    public long Calls { get; set; }
    public long Prompt { get; set; }
    public long Completion { get; set; }
    public long Cached { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredReport))]
[JsonSerializable(typeof(StoredReportPatch))]
[JsonSerializable(typeof(StoredModelUsage[]))]
internal sealed partial class EpisodeReportJsonContext : JsonSerializerContext;
