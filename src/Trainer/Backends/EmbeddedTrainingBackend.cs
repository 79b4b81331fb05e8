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
        var options = EmbeddedTrainingOptions.FromSettings(request.Settings, request.Seed);
        var epochs = new Progress<EmbeddedTrainingProgress>(e =>
            progress.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch}/{e.Epochs}, loss {e.Loss:F4}")));
        var result = await new EmbeddedPolicyTrainer(reader).TrainFileAsync(
            start, artifacts.GetFullPath(request.DatasetPath), options, epochs, $"{request.PolicyName}@{request.Id}", cancellationToken);
        var (path, hash) = await checkpoints.SaveAsync(request.PolicyName, request.Id, result.Model, cancellationToken);
        var metrics = result.Metrics.ToDictionary().SetItem("examples", result.Metrics.ExamplesUsed);
        return new TrainedCheckpoint($"sim-policy@{request.Id}", path, hash, metrics);
    }
}
