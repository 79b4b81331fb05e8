namespace SotopiaPi.Sotopia.Data;

/// <summary>How many problems of one kind and severity were found but not kept (beyond
/// <see cref="DataLimits.MaxProblems"/>).</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Kind">The problem's <see cref="DataProblem.Kind"/>, e.g. <c>invalid UTF-8</c> or a field name.</param>
/// <param name="Count">How many.</param>
public sealed record DataProblemCount(DataProblemSeverity Severity, string Kind, int Count);
