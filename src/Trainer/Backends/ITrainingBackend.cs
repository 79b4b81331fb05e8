using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Trainer.Backends;

/// <summary>Turns a training request (a stored SFT dataset and a starting version) into a checkpoint.</summary>
public interface ITrainingBackend
{
    /// <summary>The name requests select it by (<see cref="TrainerSettings.Backend"/>).</summary>
    string Name { get; }

    Task<TrainedCheckpoint> TrainAsync(TrainingRequest request, IProgress<string> progress, CancellationToken cancellationToken);
}
