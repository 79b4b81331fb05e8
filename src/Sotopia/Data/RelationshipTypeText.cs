using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Reads and writes <see cref="RelationshipType"/> the ways SOTOPIA files spell it: an int (Redis-OM),
/// a digit string <c>"3"</c> (the flattened exports) or an enum name (<c>friend</c>, <c>know_by_name</c>,
/// <c>RelationshipType.friend</c>, <c>KnowByName</c>).</summary>
internal static class RelationshipTypeText
{
    public const string Expected =
        "expected 0..5 or one of stranger, know_by_name, acquaintance, friend, romantic_relationship, family_member";

    /// <summary>The original flattened spelling: the integer value as a string.</summary>
    public static string ToOriginalString(RelationshipType type) => ((int)type).ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(long number, out RelationshipType type)
    {
        type = (RelationshipType)(int)Math.Clamp(number, -1, 6);
        return number is >= 0 and <= 5;
    }

    public static bool TryParse(string text, out RelationshipType type)
    {
        type = RelationshipType.Stranger;
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return TryParse(number, out type);
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && real == Math.Floor(real) && Math.Abs(real) < 100)
        {
            return TryParse((long)real, out type);
        }

        var name = trimmed.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal)
            .Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (name.StartsWith("relationshiptype.", StringComparison.Ordinal))
        {
            name = name["relationshiptype.".Length..];
        }

        RelationshipType? parsed = name switch
        {
            "stranger" => RelationshipType.Stranger,
            "knowbyname" => RelationshipType.KnowByName,
            "acquaintance" => RelationshipType.Acquaintance,
            "friend" => RelationshipType.Friend,
            "romanticrelationship" => RelationshipType.RomanticRelationship,
            "familymember" => RelationshipType.FamilyMember,
            _ => null,
        };
        if (parsed is RelationshipType value)
        {
            type = value;
            return true;
        }

        return false;
    }
}
