using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Rules both stores (SQLite and PostgreSQL) apply the same way, and the refusals they report, kept in one
/// place so they cannot drift.</summary>
internal static class StoreRules
{
    /// <summary>A freshly opened store, migrated; disposed (and the error rethrown) when the migration fails, so a
    /// failed open leaves no connection or file handle behind.</summary>
    public static async Task<TStore> MigratedAsync<TStore>(TStore store, CancellationToken cancellationToken)
        where TStore : ISotopiaStore, IAsyncDisposable
    {
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A fence for one episode cannot write another episode's turn (a bug, not a stale write).</summary>
    public static void RequireFence(EpisodeFence fence, string episodeId, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(fence, parameterName);
        ArgumentException.ThrowIfNullOrEmpty(fence.EpisodeId, parameterName);
        if (fence.EpisodeId != episodeId)
        {
            throw new ArgumentException(
                $"This write is for episode '{episodeId}', but the fence given is that of episode '{fence.EpisodeId}'.", parameterName);
        }
    }

    /// <summary>A turn as the stores accept it: a number from 0, seat 0 or 1, an action.</summary>
    public static void ValidateTurn(Turn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentException.ThrowIfNullOrEmpty(turn.EpisodeId, nameof(turn));
        ArgumentOutOfRangeException.ThrowIfNegative(turn.Number);
        if (turn.Seat is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(turn), turn.Seat, "A turn's seat is 0 or 1.");
        }
        ArgumentNullException.ThrowIfNull(turn.Action, nameof(turn));
    }

    /// <summary>An owner completes an episode with a final status that matches its outcome.</summary>
    public static void ValidateCompletion(string episodeId, EpisodeCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var problem = completion.Status switch
        {
            EpisodeStatus.Completed when completion.Outcome is not { Succeeded: true } =>
                "status completed needs an outcome that succeeded",
            EpisodeStatus.EvaluationFailed when completion.Outcome is not { Succeeded: false } =>
                "status evaluation_failed needs a failed outcome",
            EpisodeStatus.Failed when string.IsNullOrWhiteSpace(completion.FailureReason) =>
                "status failed needs a failure reason",
            EpisodeStatus.Pending or EpisodeStatus.Running or EpisodeStatus.Cancelled =>
                $"{StoreValues.Name(completion.Status)} is not a final status an owner can complete with",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid completion of episode '{episodeId}': {problem}.", nameof(completion));
        }
    }

    /// <summary>What a contiguity check found: <paramref name="stored"/> turns exist, so only number
    /// <paramref name="stored"/> may come next. Null when <paramref name="turn"/> is that one.</summary>
    public static InvalidOperationException? CheckContiguous(Turn turn, long stored) =>
        turn.Number < stored
            ? new InvalidOperationException($"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored ({stored} turns exist).")
            : turn.Number > stored
                ? new InvalidOperationException(
                    $"Turn {turn.Number} of episode '{turn.EpisodeId}' is not contiguous: {stored} turns exist, so the next is {stored}.")
                : null;

    /// <summary>The refusal of an episode write whose fence is not current or whose episode is not running.</summary>
    /// <param name="operation">What was refused ("append turn 3", "complete").</param>
    /// <param name="fence">The fence the writer gave.</param>
    /// <param name="currentFence">The episode's fence now.</param>
    /// <param name="currentStatus">The episode's status now (its stored name).</param>
    public static StaleWriteException StaleFence(string operation, EpisodeFence fence, long currentFence, string currentStatus)
    {
        var why = fence.Value < currentFence ? "a newer activation began it or it was cancelled"
            : fence.Value > currentFence ? "no activation was given that fence"
            : "it is not running";
        return new StaleWriteException(
            $"Episode '{fence.EpisodeId}' refused {operation} with fence {fence.Value}: its current fence is {currentFence} " +
            $"and its status {currentStatus} ({why}).");
    }

    /// <summary>The refusal of a grain state write or clear whose expected ETag is not the stored one.</summary>
    public static StaleWriteException StaleETag(string operation, string grainType, string grainId, string? expected, string? stored) =>
        new($"Grain state of {grainType} '{grainId}' refused {operation}: the writer expected ETag {Describe(expected)} " +
            $"but the stored ETag is {Describe(stored)}.");

    /// <summary>The refusal of a training request update once the request is final.</summary>
    public static InvalidOperationException FinalTrainingRequest(string requestId, string storedStatus) =>
        new($"Training request '{requestId}' already {storedStatus}: it is final and cannot be updated.");

    private static string Describe(string? etag) => etag is null ? "none (no state stored)" : $"'{etag}'";
}
