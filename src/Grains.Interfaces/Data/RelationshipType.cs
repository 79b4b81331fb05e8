namespace SotopiaPi.Grains.Interfaces;

/// <summary>SOTOPIA's relationship enum; the integer values are the original ones.</summary>
public enum RelationshipType
{
    Stranger = 0,
    KnowByName = 1,
    Acquaintance = 2,
    Friend = 3,
    RomanticRelationship = 4,
    FamilyMember = 5,
}
