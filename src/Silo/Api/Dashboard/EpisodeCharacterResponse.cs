using System.Collections.Immutable;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>One seat's character as the judge saw it: the goal, the background (public and personality
/// fields) and the secret.</summary>
public sealed record EpisodeCharacterResponse
{
    public required int Seat { get; init; }
    public required string CharacterId { get; init; }
    public required string Name { get; init; }
    public int Age { get; init; }
    public string Gender { get; init; } = "";
    public string GenderPronoun { get; init; } = "";
    public string Occupation { get; init; } = "";
    public string PublicInfo { get; init; } = "";
    public string BigFive { get; init; } = "";
    public ImmutableArray<string> MoralValues { get; init; } = [];
    public ImmutableArray<string> SchwartzPersonalValues { get; init; } = [];
    public string PersonalityAndValues { get; init; } = "";
    public string DecisionMakingStyle { get; init; } = "";
    public string Secret { get; init; } = "";
    /// <summary>The seat's private goal with its hint tags rendered.</summary>
    public required string Goal { get; init; }
}
