using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/policies/{name}</c>: every version with its lineage, and which one is active.</summary>
public sealed record PolicyResponse
{
    public required string Name { get; init; }
    public int? ActiveVersion { get; init; }
    public required ImmutableArray<PolicyVersion> Versions { get; init; }
}
