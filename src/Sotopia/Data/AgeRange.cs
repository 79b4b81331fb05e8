namespace SotopiaPi.Sotopia.Data;

/// <summary>An inclusive age range for one seat of a scenario, e.g. (18, 70).</summary>
public readonly record struct AgeRange(int Min, int Max)
{
    public bool Contains(int age) => age >= Min && age <= Max;
}
