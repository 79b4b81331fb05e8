namespace SotopiaPi.Sotopia.Llm;

/// <summary>A generator answer that was not stored, and why.</summary>
public sealed record TaskRejection(Inspiration Inspiration, string Reason);
