using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Trainer.Backends;

/// <summary>Turns a training request (a stored SFT dataset and a starting version) into a checkpoint, and
/// checks that a published checkpoint is really what agents get.</summary>
public interface ITrainingBackend
{
    /// <summary>The name requests select it by (<see cref="TrainerSettings.Backend"/>).</summary>
    string Name { get; }

    /// <summary>Trains; before returning, the result must be usable by agents (for a served model: loaded and
    /// answering under its name). Throws with a message that says what failed; the message becomes the
    /// request's error.</summary>
    Task<TrainedCheckpoint> TrainAsync(TrainingContext context, CancellationToken cancellationToken);

    /// <summary>Called right after <paramref name="version"/> was published (registered and activated): checks
    /// that it took effect (for example that every model server answers under its model name). Throwing rolls
    /// the publish back and fails the request.</summary>
    Task VerifyPublishedAsync(PolicyVersion version, CancellationToken cancellationToken);

    /// <summary>Called after a verified publish, for housekeeping (for example unloading old adapters).
    /// Failures are logged, never fail the request.</summary>
    Task OnPublishedAsync(PolicyVersion version, CancellationToken cancellationToken);
}
