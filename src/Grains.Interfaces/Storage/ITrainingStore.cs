namespace SotopiaPi.Grains.Interfaces;

/// <summary>Training requests as users read them. A campaign creates its round's request; the training queue
/// grain (the only other writer) records who trains it, its progress and its result.</summary>
public interface ITrainingStore
{
    /// <summary>Creates the request unless one with the same id exists (idempotent). Returns the stored one.</summary>
    Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored request's status, attempt, trainer, progress, published version, error and
    /// completion time with those of <paramref name="request"/>. A request that already succeeded or failed is
    /// final: updating it throws <see cref="InvalidOperationException"/>.</summary>
    Task UpdateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default);

    Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Requests that are pending or running, oldest first.</summary>
    Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default);
}
