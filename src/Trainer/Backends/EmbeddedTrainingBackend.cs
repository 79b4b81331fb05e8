using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Policies;
using SotopiaPi.Trainer.Embedded;

namespace SotopiaPi.Trainer.Backends;

/// <summary>The embedded backend: fits the simulator's trainable policy by maximum likelihood on the
/// request's chat-JSONL dataset, starting from the request's base version, on the CPU, in-process.</summary>
internal sealed class EmbeddedTrainingBackend(
    SimulatorCheckpointStore checkpoints,
    IArtifactStore artifacts,
    IPromptReader reader) : ITrainingBackend
{
    public string Name => "embedded";

    public async Task<TrainedCheckpoint> TrainAsync(TrainingRequest request, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var start = await checkpoints.LoadAsync(request.PolicyName, request.BaseVersion, cancellationToken);
        var examples = ChatJsonlReader.Read(artifacts.GetFullPath(request.DatasetPath));
        var options = new EmbeddedTrainingOptions
        {
            Epochs = request.Settings.Epochs,
            LearningRate = request.Settings.LearningRate,
            Seed = StableSeedFor(request.Id),
        };
        var trainer = new EmbeddedPolicyTrainer(reader);
        var epochProgress = new Progress<EmbeddedTrainingEpoch>(e =>
            progress.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch}/{options.Epochs}, loss {e.Loss:F4}")));
        var result = trainer.Train(start, examples, options, epochProgress, cancellationToken);
        var (path, hash) = await checkpoints.SaveAsync(request.PolicyName, request.Id, result.Model, cancellationToken);

        var metrics = ImmutableDictionary.CreateBuilder<string, double>();
        metrics["examples"] = result.ExamplesUsed;
        metrics["skipped"] = result.ExamplesSkipped;
        metrics["final_loss"] = result.FinalLoss;
        for (var i = 0; i < result.EpochLosses.Count; i++)
        {
            metrics[$"loss_epoch_{i + 1}"] = result.EpochLosses[i];
        }
        return new TrainedCheckpoint($"sim-policy@{request.Id}", path, hash, metrics.ToImmutable());
    }

    private static int StableSeedFor(string requestId) => unchecked((int)Grains.StableSeed.Derive(0, requestId));
}
