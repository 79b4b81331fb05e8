namespace SotopiaPi.Grains.Interfaces;

/// <summary>Facts about one dimension: its wire key, short label, and inclusive integer range.</summary>
[Immutable]
public sealed record DimensionInfo(SotopiaDimension Dimension, string Key, string Abbreviation, int Min, int Max)
{
    /// <summary>All 7 dimensions in enum order, with the exact keys and ranges of SOTOPIA-Eval.</summary>
    public static IReadOnlyList<DimensionInfo> All { get; } =
    [
        new(SotopiaDimension.Believability, "believability", "BEL", 0, 10),
        new(SotopiaDimension.Relationship, "relationship", "REL", -5, 5),
        new(SotopiaDimension.Knowledge, "knowledge", "KNO", 0, 10),
        new(SotopiaDimension.Secret, "secret", "SEC", -10, 0),
        new(SotopiaDimension.SocialRules, "social_rules", "SOC", -10, 0),
        new(SotopiaDimension.FinancialAndMaterialBenefits, "financial_and_material_benefits", "FIN", -5, 5),
        new(SotopiaDimension.Goal, "goal", "GOAL", 0, 10),
    ];

    public static int Count => 7;

    public static DimensionInfo Of(SotopiaDimension dimension) => All[(int)dimension];

    public static DimensionInfo? FromKey(string key)
    {
        foreach (var info in All)
        {
            if (string.Equals(info.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return info;
            }
        }
        return null;
    }

    public bool Contains(int score) => score >= Min && score <= Max;
}
