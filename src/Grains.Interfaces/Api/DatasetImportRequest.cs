using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Body of <c>POST /api/datasets/import</c>: a path on the silo's machine (a SOTOPIA JSONL folder, a
/// Redis-OM export or a named-set file) and optional extra named-set files.</summary>
public sealed record DatasetImportRequest
{
    public string? Path { get; init; }
    public ImmutableArray<string> Sets { get; init; } = [];
}
