using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A loaded, validated set of characters, relationships, scenarios and tasks, plus named sets of
/// scenario ids (SOTOPIA-π's splits such as <c>sotopia_hard_env</c>, or our starter <c>hard</c> set).</summary>
[Immutable]
public sealed record SotopiaDataset
{
    public ImmutableArray<Character> Characters { get; init; } = [];
    public ImmutableArray<RelationshipProfile> Relationships { get; init; } = [];
    public ImmutableArray<Scenario> Scenarios { get; init; } = [];
    public ImmutableArray<SocialTask> Tasks { get; init; } = [];
    /// <summary>Set name → scenario ids.</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> NamedSets { get; init; } =
        ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    public static SotopiaDataset Empty { get; } = new();
}
