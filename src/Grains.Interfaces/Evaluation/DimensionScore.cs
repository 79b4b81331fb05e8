namespace SotopiaPi.Grains.Interfaces;

/// <summary>One dimension's integer score with the judge's reasoning for it.</summary>
[Immutable]
public sealed record DimensionScore(int Score, string Reasoning);
