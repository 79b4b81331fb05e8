namespace SotopiaPi.Grains.Interfaces;

/// <summary>One SOTOPIA-Eval dimension's score, its range and the judge's reasoning.</summary>
public sealed record DimensionScoreResponse(string Key, string Abbreviation, int Score, int Min, int Max, string Reasoning);
