using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A character (SOTOPIA's <c>AgentProfile</c>). Every field of the original is kept; the ones that
/// reach prompts are the names, age, gender, occupation, pronouns, public info, personality and secret.</summary>
[Immutable]
public sealed record Character
{
    /// <summary>The character's id (SOTOPIA's ULID <c>pk</c> when imported).</summary>
    public required string Id { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public int Age { get; init; }
    public string Occupation { get; init; } = "";
    /// <summary><c>Man</c>, <c>Woman</c> or <c>Nonbinary</c> in the original data.</summary>
    public string Gender { get; init; } = "";
    /// <summary><c>He/him</c>, <c>She/her</c>, <c>They/them</c> in the original data.</summary>
    public string GenderPronoun { get; init; } = "";
    public string PublicInfo { get; init; } = "";
    public string BigFive { get; init; } = "";
    public ImmutableArray<string> MoralValues { get; init; } = [];
    public ImmutableArray<string> SchwartzPersonalValues { get; init; } = [];
    public string PersonalityAndValues { get; init; } = "";
    public string DecisionMakingStyle { get; init; } = "";
    public string Secret { get; init; } = "";
    public string ModelId { get; init; } = "";
    public string Mbti { get; init; } = "";
    public string Tag { get; init; } = "";

    /// <summary>The display name used everywhere as the speaker's name: first + " " + last.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string FullName => $"{FirstName} {LastName}";
}
