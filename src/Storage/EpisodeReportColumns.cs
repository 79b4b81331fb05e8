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

    /// <summary>Reads a stored row; <paramref name="store"/> names the store in errors.</summary>
    public static EpisodeReportRow Row(
        string campaignId, string id, int round, string phase, string taskId, string scenarioId, EpisodeStatus status,
        string report, string? usage, string store)
    {
        StoredReport stored;
        StoredModelUsage[]? models;
        try
        {
            stored = JsonSerializer.Deserialize(report, EpisodeReportJsonContext.Default.StoredReport)
                ?? throw new InvalidDataException($"{store}: the report row of episode '{id}' is JSON null.");
            models = usage is null ? null : JsonSerializer.Deserialize(usage, EpisodeReportJsonContext.Default.StoredModelUsageArray);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{store}: the report row of episode '{id}' has invalid JSON: {error.Message}", error);
        }
        try
        {
            return new EpisodeReportRow
            {
                Id = id,
                CampaignId = campaignId,
                Round = round,
                Phase = phase,
                TaskId = taskId,
                ScenarioId = scenarioId,
                Status = status,
                Seats = [.. stored.Seats],
                ScoredSeats = [.. stored.ScoredSeats],
                Scores = stored.Scores is null ? [] : [.. stored.ScoredSeats.Select(seat => new SeatEvaluation([.. stored.Scores[seat].Select(v => new DimensionScore(v, ""))]))],
                FailureReason = stored.Failure,
                Usage = models is null ? [] : EpisodeReportRow.SumByModel(models.Select(m => new CallUsage(m.Model, checked((int)m.Prompt), checked((int)m.Completion), checked((int)m.Cached), TimeSpan.Zero))),
            };
        }
        catch (Exception error) when (error is ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{store}: the report row of episode '{id}' is invalid: {error.Message}", error);
        }
    }

    /// <summary>The 7 scores of both seats (index = seat) when the judgement succeeded: the completion does not need
    /// to know which seats are scored (the row has them since the episode was created).</summary>
    private static int[][]? BothSeats(EvaluationOutcome? outcome) =>
        outcome is { Succeeded: true } judged ? [Scores(judged.Evaluation.Agent1), Scores(judged.Evaluation.Agent2)] : null;

    private static int[] Scores(SeatEvaluation evaluation) => [.. evaluation.Scores.Select(s => s.Score)];
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
