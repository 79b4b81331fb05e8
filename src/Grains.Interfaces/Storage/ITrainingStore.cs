namespace SotopiaPi.Grains.Interfaces;

/// <summary>Training requests: written by campaigns, claimed and completed by trainers under a lease.</summary>
public interface ITrainingStore
{
    /// <summary>Creates the request unless one with the same id exists (idempotent). Returns the stored one.</summary>
    Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Claims the oldest request that is pending, or running with no live lease.</summary>
    Task<(TrainingRequest Request, Lease Lease)?> ClaimTrainingRequestAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Updates progress text. Fenced.</summary>
    Task ReportTrainingProgressAsync(Lease lease, string progress, CancellationToken cancellationToken = default);

    /// <summary>Marks the request succeeded (with the version it published) or failed (with the error), and
    /// releases the lease. Fenced.</summary>
    Task CompleteTrainingRequestAsync(Lease lease, TrainingStatus status, int? publishedVersion, string? error, CancellationToken cancellationToken = default);

    Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default);
}
