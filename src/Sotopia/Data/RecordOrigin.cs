namespace SotopiaPi.Sotopia.Data;

/// <summary>Where a record came from: file (display name) and 1-based line, if any.</summary>
internal readonly record struct RecordOrigin(string File, int? Line)
{
    public DataProblem Error(string? field, string message) =>
        new(DataProblemSeverity.Error, File, Line, field, message);

    public DataProblem Warning(string? field, string message) =>
        new(DataProblemSeverity.Warning, File, Line, field, message);

    public override string ToString() => Line is int line ? $"{File}:{line}" : File;
}
