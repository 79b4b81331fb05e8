using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
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

    public async Task<TrainedCheckpoint> TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var start = await checkpoints.LoadAsync(request.PolicyName, request.BaseVersion, cancellationToken);
        var options = EmbeddedTrainingOptions.FromSettings(request.Settings, request.Seed);
        var epochs = new InlineProgress(e =>
            context.Progress.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch}/{e.Epochs}, loss {e.Loss:F4}")));
        var result = await new EmbeddedPolicyTrainer(reader).TrainFileAsync(
            start, artifacts.GetFullPath(request.DatasetPath), options, epochs, $"{request.PolicyName}@{request.Id}", cancellationToken);
        var (path, hash) = await checkpoints.SaveAsync(request.PolicyName, request.Id, result.Model, cancellationToken);
        var metrics = result.Metrics.ToDictionary().SetItem("examples", result.Metrics.ExamplesUsed);
        return new TrainedCheckpoint($"sim-policy@{request.Id}", path, hash, metrics);
    }

    /// <summary>The simulator loads checkpoints from the artifact store by version: the published file must be
    /// there with the registered hash.</summary>
    public async Task VerifyPublishedAsync(PolicyVersion version, CancellationToken cancellationToken)
    {
        if (version.CheckpointPath is null || version.CheckpointHash is null)
        {
            return;
        }
        var hash = await artifacts.HashAsync(version.CheckpointPath, cancellationToken);
        if (!string.Equals(hash, version.CheckpointHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrainingBackendException(
                $"Checkpoint '{version.CheckpointPath}' of {version.PolicyName} v{version.Version} has hash {hash}, but {version.CheckpointHash} was published.");
        }
    }

    public Task OnPublishedAsync(PolicyVersion version, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool, so
    /// a late epoch line could overwrite the final status).</summary>
    private sealed class InlineProgress(Action<EmbeddedTrainingProgress> report) : IProgress<EmbeddedTrainingProgress>
    {
        public void Report(EmbeddedTrainingProgress value) => report(value);
    }
}
