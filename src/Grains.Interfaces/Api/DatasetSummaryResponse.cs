using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/datasets</c>: what the store holds.</summary>
public sealed record DatasetSummaryResponse
{
    public int Characters { get; init; }
    public int Relationships { get; init; }
    public int Scenarios { get; init; }
    public int Tasks { get; init; }
    /// <summary>Set name → number of scenarios in it.</summary>
    public ImmutableDictionary<string, int> NamedSets { get; init; } = ImmutableDictionary<string, int>.Empty;
}
