using System.Collections.Immutable;

namespace SotopiaPi.Trainer.Backends;

/// <summary>What a training backend produced: the model name agents will call, the checkpoint file (if the
/// backend writes one into the artifact store) and training metrics.</summary>
public sealed record TrainedCheckpoint(
    string Model,
    string? CheckpointPath,
    string? CheckpointHash,
    ImmutableDictionary<string, double> Metrics);
