using System.Collections.Immutable;

namespace SotopiaPi.Trainer.Backends.External;

/// <summary>Written as <c>sotopia-adapter.json</c> into an adapter folder once the adapter was validated: which
/// request and dataset it was trained for, its content hash (the folder without this file) and what it declares.</summary>
internal sealed record AdapterManifest
{
    public required string RequestId { get; init; }
    public required string DatasetHash { get; init; }
    public required string ContentHash { get; init; }
    public int R { get; init; }
    public double Alpha { get; init; }
    public ImmutableArray<string> TargetModules { get; init; } = [];
    public string BaseModel { get; init; } = "";
    public string WeightsFile { get; init; } = "";
    public long WeightsBytes { get; init; }
}
