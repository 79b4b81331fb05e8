using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Rules both stores (SQLite and PostgreSQL) apply the same way, kept in one place so they cannot drift.</summary>
internal static class StoreRules
{
    /// <summary>A turn to append: the fence's episode, a seat of 0 or 1, an action.</summary>
    public static void ValidateTurn(EpisodeFence fence, Turn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.EpisodeId != fence.EpisodeId)
        {
            throw new ArgumentException($"Turn {turn.Number} is of episode '{turn.EpisodeId}', but the fence is of '{fence.EpisodeId}'.", nameof(turn));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(turn.Number);
        if (turn.Seat is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(turn), turn.Seat, "A turn's seat is 0 or 1.");
        }
        ArgumentNullException.ThrowIfNull(turn.Action, nameof(turn));
    }

    /// <summary>Turns are contiguous: the next one is numbered like the count already stored.</summary>
    public static void RequireNextTurn(Turn turn, long stored)
    {
        if (turn.Number < stored)
        {
            throw new InvalidOperationException($"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored ({stored} turns exist).");
        }
        if (turn.Number > stored)
        {
            throw new InvalidOperationException(
                $"Turn {turn.Number} of episode '{turn.EpisodeId}' is not contiguous: {stored} turns exist, so the next is {stored}.");
        }
    }

    /// <summary>The refusal of a write from a stale activation.</summary>
    public static StaleWriteException StaleFence(EpisodeFence fence, string operation, string status, long current) =>
        new($"Episode '{fence.EpisodeId}': {operation} with fence {fence.Value} refused: the episode is {status} under fence {current} (a newer activation began it, or it ended or was cancelled).");

    /// <summary>An owner completes an episode with a final status that matches its outcome.</summary>
    public static void ValidateCompletion(string episodeId, EpisodeCompletion completion)
    {
        var problem = completion.Status switch
        {
            EpisodeStatus.Completed when completion.Outcome is not { Succeeded: true } =>
                "status completed needs an outcome that succeeded",
            EpisodeStatus.EvaluationFailed when completion.Outcome is not { Succeeded: false } =>
                "status evaluation_failed needs a failed outcome",
            EpisodeStatus.Failed when string.IsNullOrWhiteSpace(completion.FailureReason) =>
                "status failed needs a failure reason",
            EpisodeStatus.Pending or EpisodeStatus.Running or EpisodeStatus.Cancelled =>
                $"{StoreValues.Name(completion.Status)} is not a final status an activation can complete with",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid completion of episode '{episodeId}': {problem}.", nameof(completion));
        }
    }

    /// <summary>A succeeded request names its version; a failed one its error.</summary>
    public static void ValidateTrainingUpdate(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id, nameof(request));
        if (request.Status == TrainingStatus.Succeeded && request.PublishedVersion is null)
        {
            throw new ArgumentException($"Training request '{request.Id}' succeeded without a published version.", nameof(request));
        }
        if (request.Status == TrainingStatus.Failed && string.IsNullOrWhiteSpace(request.Error))
        {
            throw new ArgumentException($"Training request '{request.Id}' failed without an error message.", nameof(request));
        }
    }

    /// <summary>The stored request with what an update may change (the rest — campaign, round, data, creation
    /// time — stays as created).</summary>
    public static TrainingRequest ApplyTrainingUpdate(TrainingRequest stored, TrainingRequest update) => stored with
    {
        Status = update.Status,
        Attempt = update.Attempt,
        TrainerId = update.TrainerId,
        Progress = update.Progress,
        PublishedVersion = update.PublishedVersion,
        Error = update.Error,
        CompletedAt = update.CompletedAt,
    };

    /// <summary>A succeeded or failed request is final.</summary>
    public static void RequireOpen(string requestId, string storedStatus)
    {
        if (storedStatus == StoreValues.Name(TrainingStatus.Succeeded) || storedStatus == StoreValues.Name(TrainingStatus.Failed))
        {
            throw new InvalidOperationException($"Training request '{requestId}' is {storedStatus}: a finished request cannot change.");
        }
    }
}
