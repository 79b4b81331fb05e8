using System.Globalization;

namespace SotopiaPi.Sotopia.Data;

/// <summary>One problem found while loading data: where it is (file, 1-based line, field) and what is wrong.</summary>
/// <param name="Severity">Error (the record was skipped or the data is unusable) or warning.</param>
/// <param name="File">The file name (for files of a loaded folder) or the path as given (extra set files).</param>
/// <param name="Line">1-based line of the record, or null when the problem is not about one line.</param>
/// <param name="Field">The JSON field concerned, or null.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record DataProblem(DataProblemSeverity Severity, string File, int? Line, string? Field, string Message)
{
    public bool IsError => Severity == DataProblemSeverity.Error;

    /// <summary><c>file:line: field: message</c>, leaving out the parts that are null.</summary>
    public override string ToString()
    {
        var line = Line is int number ? ":" + number.ToString(CultureInfo.InvariantCulture) : "";
        var field = Field is null ? "" : Field + ": ";
        return $"{File}{line}: {field}{Message}";
    }
}
