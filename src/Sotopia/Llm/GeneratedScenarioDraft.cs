using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>A generator's answer after validation: everything a <see cref="Scenario"/> needs but its id and
/// provenance.</summary>
public sealed record GeneratedScenarioDraft(
    string Codename,
    string Text,
    ImmutableArray<string> Goals,
    RelationshipType Relationship,
    string AgeConstraint,
    string? OccupationConstraint);
