using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Hands training requests to trainers (key: <see cref="TrainingQueue.Default"/>). A trainer (its own
/// process, an Orleans client, or hosted in a silo) subscribes with the backends it serves and subscribes again
/// now and then — Orleans' observer pattern: a trainer that stopped doing so (killed) is dropped, and the request
/// it held goes back to the queue as a new attempt. Every report names its <see cref="TrainingTicket"/>; one from a
/// superseded attempt is refused with <see cref="StaleWriteException"/>. The request rows in the project store show
/// users who trains what, its progress and result.</summary>
public interface ITrainingQueueGrain : IGrainWithStringKey
{
    /// <summary>The campaign stored a new request: queue it and tell the trainers that serve its backend.</summary>
    Task EnqueueAsync(string requestId);

    /// <summary>Registers (or refreshes) a trainer and the backends it serves.</summary>
    Task SubscribeAsync(string trainerId, ImmutableArray<string> backends, ITrainerObserver observer);

    /// <summary>The trainer stops: its subscription ends (a request it holds should be released first).</summary>
    Task UnsubscribeAsync(string trainerId);

    /// <summary>Assigns the oldest queued request whose backend the trainer serves, or returns null.</summary>
    Task<TrainingAssignment?> TakeAsync(string trainerId, ImmutableArray<string> backends);

    /// <summary>Records progress ("epoch 3/20, loss 1.23"). Also how a trainer checks it still holds the request
    /// before a costly or external step.</summary>
    Task ReportProgressAsync(TrainingTicket ticket, string progress);

    /// <summary>The request published <paramref name="publishedVersion"/>: it succeeded.</summary>
    Task CompleteAsync(TrainingTicket ticket, int publishedVersion);

    /// <summary>The request failed for good with <paramref name="error"/>.</summary>
    Task FailAsync(TrainingTicket ticket, string error);

    /// <summary>The trainer gives the request back (it is stopping, or the store failed): it is queued again.</summary>
    Task ReleaseAsync(TrainingTicket ticket, string reason);
}
