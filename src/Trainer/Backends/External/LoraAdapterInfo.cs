using System.Collections.Immutable;

namespace SotopiaPi.Trainer.Backends.External;

/// <summary>What a valid LoRA adapter folder declares (from <c>adapter_config.json</c>) and holds.</summary>
public sealed record LoraAdapterInfo(
    int R,
    double Alpha,
    ImmutableArray<string> TargetModules,
    string BaseModel,
    string WeightsFile,
    long WeightsBytes,
    int? Tensors);
