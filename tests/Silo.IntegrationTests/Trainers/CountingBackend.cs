using System.Collections.Concurrent;
using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Trainer.Backends;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>A backend named "counting" that records which trainer trained which request, optionally waiting at
/// a gate (until cancelled) so a test can act while a request is being trained.</summary>
internal sealed class CountingBackend(string trainer, ConcurrentQueue<(string Trainer, string Request)> trained, Task? gate = null) : ITrainingBackend
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "counting";

    /// <summary>Completes when a training started.</summary>
    public Task Entered => _entered.Task;

    public async Task<TrainedCheckpoint> TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        trained.Enqueue((trainer, context.Request.Id));
        context.Progress.Report($"counting {context.Request.Id}");
        _entered.TrySetResult();
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }
        await Task.Yield();
        return new TrainedCheckpoint($"counted@{context.Request.Id}", null, null, ImmutableDictionary<string, double>.Empty);
    }

    public Task VerifyPublishedAsync(PolicyVersion version, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnPublishedAsync(PolicyVersion version, CancellationToken cancellationToken) => Task.CompletedTask;
}
