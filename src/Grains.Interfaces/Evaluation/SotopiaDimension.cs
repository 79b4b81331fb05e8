namespace SotopiaPi.Grains.Interfaces;

/// <summary>The 7 SOTOPIA-Eval dimensions, in the order the original rubric lists them.</summary>
public enum SotopiaDimension
{
    Believability = 0,
    Relationship = 1,
    Knowledge = 2,
    Secret = 3,
    SocialRules = 4,
    FinancialAndMaterialBenefits = 5,
    Goal = 6,
}
