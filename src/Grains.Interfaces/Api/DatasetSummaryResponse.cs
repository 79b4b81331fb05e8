using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary><c>GET /api/datasets</c> (the newest version) and <c>GET /api/datasets/versions/{version}</c>: what one
/// dataset version holds.</summary>
public sealed record DatasetSummaryResponse
{
    /// <summary>Null when the store holds no dataset yet.</summary>
    public int? Version { get; init; }
    public string? ContentHash { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? Source { get; init; }
    public int Characters { get; init; }
    public int Relationships { get; init; }
    public int Scenarios { get; init; }
    public int Tasks { get; init; }
    /// <summary>Set name → number of scenarios in it.</summary>
    public ImmutableDictionary<string, int> NamedSets { get; init; } = ImmutableDictionary<string, int>.Empty;
}
