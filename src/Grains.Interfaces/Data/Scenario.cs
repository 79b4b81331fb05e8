using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A scenario (SOTOPIA's <c>EnvironmentProfile</c>): shared context, exactly two private goals
/// (index 0 for the first seat, 1 for the second) and the relationship the two characters must have.</summary>
[Immutable]
public sealed record Scenario
{
    /// <summary>The default age constraint, meaning "no constraint" in the original sampler.</summary>
    public const string DefaultAgeConstraint = "[(18, 70), (18, 70)]";

    public required string Id { get; init; }
    public string Codename { get; init; } = "";
    public string Source { get; init; } = "";
    /// <summary>The shared scenario text (the original field <c>scenario</c>).</summary>
    public required string Text { get; init; }
    /// <summary>Exactly two goals; may contain <c>&lt;extra_info&gt;</c>, <c>&lt;strategy_hint&gt;</c>,
    /// <c>&lt;clarification_hint&gt;</c> tags.</summary>
    public required ImmutableArray<string> Goals { get; init; }
    public required RelationshipType Relationship { get; init; }
    /// <summary>Python-literal list of age ranges per seat, e.g. <c>[(18, 70), (18, 70)]</c>; null = none.</summary>
    public string? AgeConstraint { get; init; }
    /// <summary>Stored but, as in the original sampler, never enforced.</summary>
    public string? OccupationConstraint { get; init; }
    /// <summary>Explicit allowed character ids per seat, or null.</summary>
    public ImmutableArray<ImmutableArray<string>>? AgentConstraint { get; init; }
    public string Tag { get; init; } = "";
    /// <summary>For generated scenarios: the keyword, source and model it came from; null for loaded data.</summary>
    public ScenarioProvenance? Provenance { get; init; }
}
