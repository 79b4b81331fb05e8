using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What a campaign report needs of one episode and nothing more: who played which seat, which seats are
/// scored and their 7 dimension scores (no judge's reasoning), the first line of a failure reason, and the model
/// usage summed per model (turns and judgement). The stores keep it in a narrow table written in the same statement
/// or transaction as the episode's creation, completion and cancellation, so a report of 100,000 episodes reads no
/// transcript, no reasoning and no turn (<see cref="IEpisodeStore.ListEpisodeReportRowsAsync"/>).</summary>
[Immutable]
public sealed record EpisodeReportRow
{
    /// <summary>The longest failure reason kept (its first line); a report shows it shortened to this.</summary>
    public const int MaxReasonLength = 160;

    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required int Round { get; init; }
    public required string Phase { get; init; }
    public required string TaskId { get; init; }
    public required string ScenarioId { get; init; }
    public required EpisodeStatus Status { get; init; }
    public required ImmutableArray<SeatBinding> Seats { get; init; }
    public ImmutableArray<int> ScoredSeats { get; init; } = [0, 1];
    /// <summary>The judge's scores of each seat in <see cref="ScoredSeats"/> (same order) when the judgement
    /// succeeded; empty otherwise.</summary>
    public ImmutableArray<SeatEvaluation> Scores { get; init; } = [];
    /// <summary><see cref="ShortReason"/> of the episode's failure (status failed) or of the judge's failure
    /// (evaluation failed); null otherwise or when none was recorded.</summary>
    public string? FailureReason { get; init; }
    /// <summary>Every model call of the episode (turns and the judgement) summed per model, ordered by model (latency is
    /// not kept). Empty for a pending episode.</summary>
    public ImmutableArray<ModelCalls> Usage { get; init; } = [];

    /// <summary>Completed with the judge's scores.</summary>
    public bool IsScored => Status == EpisodeStatus.Completed && Scores.Length > 0 && Scores.Length == ScoredSeats.Length;

    /// <summary>The judge's scores of a scored seat.</summary>
    public SeatEvaluation ScoresOf(int seat)
    {
        var index = ScoredSeats.IndexOf(seat);
        return index >= 0 && index < Scores.Length
            ? Scores[index]
            : throw new ArgumentOutOfRangeException(nameof(seat), seat, $"Seat {seat} of episode '{Id}' has no scores.");
    }

    /// <summary>The projection of a full record; <paramref name="turnUsage"/> is the usage stored on its turns.</summary>
    public static EpisodeReportRow From(EpisodeRecord episode, IEnumerable<CallUsage>? turnUsage = null)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var calls = turnUsage ?? [];
        if (episode.Outcome?.Usage is { } judge)
        {
            calls = calls.Append(judge);
        }
        return new EpisodeReportRow
        {
            Id = episode.Id,
            CampaignId = episode.CampaignId,
            Round = episode.Round,
            Phase = episode.Phase,
            TaskId = episode.TaskId,
            ScenarioId = episode.ScenarioId,
            Status = episode.Status,
            Seats = episode.Seats,
            ScoredSeats = episode.ScoredSeats,
            Scores = ScoresOf(episode.ScoredSeats, episode.Outcome),
            FailureReason = FailureOf(episode.Status, episode.FailureReason, episode.Outcome),
            Usage = SumByModel(calls),
        };
    }

    /// <summary>The scored seats' evaluations when <paramref name="outcome"/> succeeded, else empty.</summary>
    public static ImmutableArray<SeatEvaluation> ScoresOf(ImmutableArray<int> scoredSeats, EvaluationOutcome? outcome) =>
        outcome is { Succeeded: true } judged ? [.. scoredSeats.Select(judged.Evaluation.ForSeat)] : [];

    /// <summary>The reason a report shows for an episode that ended in <paramref name="status"/>.</summary>
    public static string? FailureOf(EpisodeStatus status, string? failureReason, EvaluationOutcome? outcome) => status switch
    {
        EpisodeStatus.Failed => ShortReason(failureReason),
        EpisodeStatus.EvaluationFailed => ShortReason(outcome?.Failure?.Reason),
        _ => null,
    };

    /// <summary>The first line of a reason, trimmed and cut to <see cref="MaxReasonLength"/> characters (ending
    /// in "…" when cut); null when there is none. Applying it twice changes nothing.</summary>
    public static string? ShortReason(string? reason)
    {
        var line = reason?.Split('\n', 2)[0].Trim();
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }
        return line.Length <= MaxReasonLength ? line : line[..(MaxReasonLength - 1)] + "…";
    }

    /// <summary>The calls counted and their tokens summed per model, ordered by model (ordinal); latency is dropped.</summary>
    public static ImmutableArray<ModelCalls> SumByModel(IEnumerable<CallUsage> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return SumByModel(calls.Select(c => new ModelCalls(c.Model ?? "", 1, c.PromptTokens, c.CompletionTokens, c.CachedTokens)));
    }

    /// <summary>Per-model totals merged per model, ordered by model (ordinal).</summary>
    public static ImmutableArray<ModelCalls> SumByModel(IEnumerable<ModelCalls> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var sums = new SortedDictionary<string, (long Calls, long Prompt, long Completion, long Cached)>(StringComparer.Ordinal);
        foreach (var total in totals)
        {
            sums.TryGetValue(total.Model, out var sum);
            sums[total.Model] = (sum.Calls + total.Calls, sum.Prompt + total.PromptTokens, sum.Completion + total.CompletionTokens, sum.Cached + total.CachedTokens);
        }
        return [.. sums.Select(s => new ModelCalls(s.Key, checked((int)s.Value.Calls), checked((int)s.Value.Prompt), checked((int)s.Value.Completion), checked((int)s.Value.Cached)))];
    }
}

/// <summary>One model's calls in one episode: how many, and their tokens summed.</summary>
[Immutable]
public sealed record ModelCalls(string Model, int Calls, int PromptTokens, int CompletionTokens, int CachedTokens)
{
    /// <summary>The sums as one <see cref="CallUsage"/> (what a price applies to; prices are linear in tokens).</summary>
    public CallUsage Totals => new(Model, PromptTokens, CompletionTokens, CachedTokens, TimeSpan.Zero);
}
