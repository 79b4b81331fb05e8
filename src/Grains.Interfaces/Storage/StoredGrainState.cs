namespace SotopiaPi.Grains.Interfaces;

/// <summary>A grain's stored state document and its ETag.</summary>
[Immutable]
public sealed record StoredGrainState(string Json, string ETag);
