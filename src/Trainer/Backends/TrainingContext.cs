using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Trainer.Backends;

/// <summary>What a backend gets for one request taken from the training queue: the request, the version it starts
/// from, a progress sink (shown by <c>sotopia campaign status</c>) and a way to confirm the request is still ours before a costly
/// or external side effect (starting a remote job, loading a model).</summary>
public sealed class TrainingContext
{
    private readonly Func<string, CancellationToken, Task> _confirm;

    public TrainingContext(TrainingRequest request, PolicyVersion baseVersion, IProgress<string> progress, Func<string, CancellationToken, Task> confirmOwnership)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(baseVersion);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(confirmOwnership);
        Request = request;
        BaseVersion = baseVersion;
        Progress = progress;
        _confirm = confirmOwnership;
    }

    public TrainingRequest Request { get; }

    /// <summary>The registered version training starts from (<see cref="TrainingRequest.BaseVersion"/>).</summary>
    public PolicyVersion BaseVersion { get; }

    /// <summary>Latest human-readable status ("epoch 3/20, loss 1.23", "openai ftjob-… running: Step 12/90 …").
    /// Writes are throttled; the last one is always stored.</summary>
    public IProgress<string> Progress { get; }

    /// <summary>Stores <paramref name="status"/> as the progress with a fenced write: throws
    /// <see cref="StaleWriteException"/> when the request was given to another trainer (a new attempt).</summary>
    public Task ConfirmOwnershipAsync(string status, CancellationToken cancellationToken) => _confirm(status, cancellationToken);
}
