using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What an import stored, and the warnings the data had.</summary>
public sealed record DatasetImportResponse
{
    public required string Source { get; init; }
    /// <summary>The dataset version the import created (or the newest one, when it already held the same content).</summary>
    public int Version { get; init; }
    public string ContentHash { get; init; } = "";
    public int Characters { get; init; }
    public int Relationships { get; init; }
    public int Scenarios { get; init; }
    public int Tasks { get; init; }
    public ImmutableArray<string> NamedSets { get; init; } = [];
    /// <summary>Each as "file:line: field: message".</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];
}
