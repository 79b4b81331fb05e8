namespace SotopiaPi.Sotopia.Llm;

/// <summary>One inspirational prompt for task generation (reference §d1): a situation, context, behaviour or keyword,
/// where it came from, and where it was read.</summary>
/// <param name="Text">The prompt text.</param>
/// <param name="Source"><c>social_chemistry</c>, <c>social_iqa</c>, <c>normbank</c>, <c>keywords</c>, or the
/// source a file names per row.</param>
/// <param name="File">The file it was read from.</param>
/// <param name="Line">The line (1-based) it was read from.</param>
public sealed record Inspiration(string Text, string Source, string File, int Line);
