using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/datasets/versions</c>: every stored dataset version, oldest first.</summary>
public sealed record DatasetVersionsResponse
{
    public ImmutableArray<DatasetVersion> Versions { get; init; } = [];
}
