using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Policies;

/// <summary>Loads and saves the simulator's trainable policy checkpoints through the artifact store.
/// Version 0 is the built-in base model (no file). Checkpoints are written once per training request at
/// <c>checkpoints/&lt;policy&gt;/&lt;request&gt;/model.json</c> (the registry records <see cref="IArtifactStore.Locate"/>'s
/// address of it: a blob URI on the Blob store), so a retried request overwrites its own file
/// with identical content and never another version's.</summary>
public sealed class SimulatorCheckpointStore(IPolicyVersions policies, IArtifactStore artifacts)
{
    public async ValueTask<TrainablePolicyModel> LoadAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        if (version == 0)
        {
            return TrainablePolicyModel.CreateBase();
        }
        var entry = await policies.GetAsync(policyName, version, cancellationToken);
        if (entry.CheckpointPath is null)
        {
            throw new InvalidOperationException($"Policy '{policyName}' version {version} has no checkpoint file (model '{entry.Model}').");
        }
        if (entry.CheckpointHash is not null)
        {
            var hash = await artifacts.HashAsync(entry.CheckpointPath, cancellationToken);
            if (!string.Equals(hash, entry.CheckpointHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"Checkpoint '{entry.CheckpointPath}' of '{policyName}' v{version} has hash {hash}, but {entry.CheckpointHash} was registered.");
            }
        }
        await using var stream = artifacts.OpenRead(entry.CheckpointPath);
        return TrainablePolicyModel.Load(stream);
    }

    public async Task<(string Path, string Hash)> SaveAsync(string policyName, string requestId, TrainablePolicyModel model, CancellationToken cancellationToken = default)
    {
        var path = $"checkpoints/{policyName}/{requestId}/model.json";
        var hash = await artifacts.WriteAsync(path, stream =>
        {
            model.Save(stream);
            return Task.CompletedTask;
        }, cancellationToken);
        return (artifacts.Locate(path), hash);
    }
}
