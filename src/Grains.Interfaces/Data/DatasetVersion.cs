using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>One imported dataset, as the store keeps it: an immutable version. Every import creates a new version
/// (numbered 1, 2, … in import order) holding exactly the records and named sets it brought; versions never share
/// or overwrite each other's records or named sets. A campaign records the version it was started on.</summary>
[Immutable]
public sealed record DatasetVersion
{
    public required int Version { get; init; }
    /// <summary>SHA-256 (hex) of the imported content (records in order, named sets by name), see the store.</summary>
    public required string ContentHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Where the data came from (the imported folder or file, "migrated" for data stored before versions).</summary>
    public string Source { get; init; } = "";
    public int Characters { get; init; }
    public int Relationships { get; init; }
    public int Scenarios { get; init; }
    /// <summary>Tasks, including the ones campaigns sampled from this version afterwards.</summary>
    public int Tasks { get; init; }
    /// <summary>Names of the version's named sets, ordinal order.</summary>
    public ImmutableArray<string> NamedSets { get; init; } = [];

    /// <summary>The version that records without one refer to (campaigns and episodes stored before datasets had
    /// versions): the data stored then was migrated into version 1.</summary>
    public const int Legacy = 1;
}
