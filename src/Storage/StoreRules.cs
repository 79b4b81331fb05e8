using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Rules both stores (SQLite and PostgreSQL) apply the same way, kept in one place so they cannot drift.</summary>
internal static class StoreRules
{
    private static readonly string Paused = StoreValues.Name(CampaignStatus.Paused);
    private static readonly string Cancelled = StoreValues.Name(CampaignStatus.Cancelled);

    /// <summary>An operator's pause or cancel wins over an owner that saves its progress as still running at
    /// the same moment: the owner sees the status on its next read and stops. Completed or failed saves win.</summary>
    public static CampaignRecord KeepOperatorStatus(CampaignRecord incoming, string? storedStatus) =>
        incoming.Status != CampaignStatus.Running ? incoming
        : storedStatus == Paused ? incoming with { Status = CampaignStatus.Paused }
        : storedStatus == Cancelled ? incoming with { Status = CampaignStatus.Cancelled }
        : incoming;

    public static void RequireLease(Lease lease, string kind, string key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(lease, parameterName);
        if (lease.Kind != kind || lease.Key != key)
        {
            throw new ArgumentException(
                $"This write needs the {kind} lease of '{key}', but the lease given is the {lease.Kind} lease of '{lease.Key}'.",
                parameterName);
        }
    }

    public static void RequireTrainingLease(Lease lease)
    {
        if (lease.Kind != LeaseKinds.Training)
        {
            throw new ArgumentException($"This write needs a training lease, not a {lease.Kind} lease.", nameof(lease));
        }
    }

    /// <summary>A training request completes as succeeded, or as failed with an error message.</summary>
    public static void ValidateTrainingCompletion(Lease lease, TrainingStatus status, string? error)
    {
        if (status is not (TrainingStatus.Succeeded or TrainingStatus.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A training request completes as succeeded or failed.");
        }
        if (status == TrainingStatus.Failed && string.IsNullOrWhiteSpace(error))
        {
            throw new ArgumentException($"Training request '{lease.Key}' failed without an error message.", nameof(error));
        }
    }

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
                $"{StoreValues.Name(completion.Status)} is not a final status an owner can complete with",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid completion of episode '{episodeId}': {problem}.", nameof(completion));
        }
    }
}
