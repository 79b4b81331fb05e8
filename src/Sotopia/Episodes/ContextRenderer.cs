using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>Builds what each viewer knows about an interaction (reference §b, "Episode setup"): character
/// backgrounds with relationship-based visibility, goals, and the rendered scenario.</summary>
/// <remarks>
/// A background has three parts: <b>basic</b> (one sentence with full name, age, gender adjective, lower-cased
/// occupation, then "&lt;pronouns&gt; pronouns." and the public info), <b>personality</b>
/// ("Personality and values description: …") and <b>secret</b> ("&lt;first name&gt;'s secrets: …"). The owner always
/// sees all three. The other agent sees, by <see cref="RelationshipType"/>: stranger → <c>Unknown</c>;
/// know by name → the full name only; acquaintance → basic; friend, romantic, family → basic + personality; the
/// secret never. Each agent sees only its own goal (the other's is <c>Unknown</c>) unless omniscient. The
/// environment (judge) sees both full backgrounds, secrets included, and both goals. Empty profile fields are
/// left out rather than rendered as empty phrases.
/// </remarks>
public static class ContextRenderer
{
    /// <summary>What hidden information is replaced with.</summary>
    public const string Unknown = "Unknown";

    /// <summary>The label in front of the personality description.</summary>
    public const string PersonalityLabel = "Personality and values description:";

    /// <summary>The basic sentence, e.g. "Mia Davis is a 50-year-old female high school principal. She/her pronouns. …".</summary>
    public static string BasicInfo(Character character)
    {
        ArgumentNullException.ThrowIfNull(character);
        var age = character.Age.ToString(CultureInfo.InvariantCulture);
        var article = age.StartsWith('8') || character.Age is 11 or 18 ? "an" : "a";
        var description = Join(' ', $"{age}-year-old", GenderAdjective(character.Gender), character.Occupation.Trim().ToLowerInvariant());
        var parts = new List<string> { $"{character.FullName} is {article} {description}." };
        if (character.GenderPronoun.Trim().Length > 0)
        {
            parts.Add($"{character.GenderPronoun.Trim()} pronouns.");
        }
        parts.Add(character.PublicInfo.Trim());
        return Join(' ', [.. parts]);
    }

    /// <summary>"Personality and values description: …", or empty when the profile has none.</summary>
    public static string PersonalityInfo(Character character)
    {
        ArgumentNullException.ThrowIfNull(character);
        var text = character.PersonalityAndValues.Trim();
        return text.Length == 0 ? "" : $"{PersonalityLabel} {text}";
    }

    /// <summary>"&lt;first name&gt;'s secrets: …", or empty when the character has no secret.</summary>
    public static string SecretInfo(Character character)
    {
        ArgumentNullException.ThrowIfNull(character);
        var text = character.Secret.Trim();
        return text.Length == 0 ? "" : $"{character.FirstName}'s secrets: {text}";
    }

    /// <summary>The background its owner (and the environment) sees: basic + personality + secret.</summary>
    public static string FullBackground(Character character) =>
        Join(' ', BasicInfo(character), PersonalityInfo(character), SecretInfo(character));

    /// <summary>The part of <paramref name="character"/>'s background the other participant sees under
    /// <paramref name="relationship"/>. Never contains the secret.</summary>
    public static string BackgroundSeenByOther(Character character, RelationshipType relationship)
    {
        ArgumentNullException.ThrowIfNull(character);
        return relationship switch
        {
            RelationshipType.Stranger => Unknown,
            RelationshipType.KnowByName => character.FullName,
            RelationshipType.Acquaintance => BasicInfo(character),
            RelationshipType.Friend or RelationshipType.RomanticRelationship or RelationshipType.FamilyMember =>
                Join(' ', BasicInfo(character), PersonalityInfo(character)),
            _ => throw new ArgumentOutOfRangeException(nameof(relationship), relationship, "Unknown relationship type."),
        };
    }

    /// <summary>The context as the agent in <paramref name="viewerSeat"/> sees it.</summary>
    /// <param name="setup">Scenario and characters.</param>
    /// <param name="viewerSeat">0 or 1.</param>
    /// <param name="omniscient">Show the other's goal too (the original's <c>omniscient</c> option; default off).</param>
    /// <param name="lite">Leave both backgrounds out (the original's <c>lite</c> option; default off).</param>
    public static InteractionContext ForSeat(EpisodeSetup setup, int viewerSeat, bool omniscient = false, bool lite = false)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (viewerSeat is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(viewerSeat), viewerSeat, "A seat is 0 or 1.");
        }
        string Background(int seat) => lite ? ""
            : seat == viewerSeat ? FullBackground(setup.Agent(seat))
            : BackgroundSeenByOther(setup.Agent(seat), setup.Relationship);
        string Goal(int seat) => seat == viewerSeat || omniscient ? HintTags.RenderFor(setup.Goal(seat), viewerSeat).Trim() : Unknown;
        return new InteractionContext(
            HintTags.RenderFor(setup.Scenario.Text, viewerSeat).Trim(),
            setup.Agent1.FullName,
            setup.Agent2.FullName,
            Background(0),
            Background(1),
            Goal(0),
            Goal(1));
    }

    /// <summary>The environment's (judge's) view: everything, secrets and both goals included.</summary>
    public static InteractionContext ForEnvironment(EpisodeSetup setup, bool lite = false)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new InteractionContext(
            HintTags.Render(setup.Scenario.Text).Trim(),
            setup.Agent1.FullName,
            setup.Agent2.FullName,
            lite ? "" : FullBackground(setup.Agent1),
            lite ? "" : FullBackground(setup.Agent2),
            HintTags.Render(setup.Goal(0)).Trim(),
            HintTags.Render(setup.Goal(1)).Trim());
    }

    /// <summary>Man → male, Woman → female, Nonbinary → nonbinary; anything else → empty (as the original).</summary>
    public static string GenderAdjective(string gender) => gender?.Trim() switch
    {
        "Man" => "male",
        "Woman" => "female",
        "Nonbinary" => "nonbinary",
        _ => "",
    };

    private static string Join(char separator, params string[] parts) =>
        string.Join(separator, parts.Where(p => p.Length > 0));
}
