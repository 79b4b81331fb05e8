namespace SotopiaPi.Sotopia.Llm;

/// <summary>The known scenario a new text nearly repeats, with both similarity scores.</summary>
public sealed record NearDuplicateMatch(string Id, double ShingleJaccard, double WordJaccard);
