using System.Globalization;
using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Data;

/// <summary>One problem found while loading data: where it is (file, 1-based line, field) and what is wrong.</summary>
/// <param name="Severity">Error (the record was skipped or the data is unusable) or warning.</param>
/// <param name="File">The file name (for files of a loaded folder) or the path as given (extra set files).</param>
/// <param name="Line">1-based line of the record, or null when the problem is not about one line.</param>
/// <param name="Field">The JSON field concerned, or null.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed partial record DataProblem(DataProblemSeverity Severity, string File, int? Line, string? Field, string Message)
{
    public bool IsError => Severity == DataProblemSeverity.Error;

    /// <summary>What sort of problem this is, for counting problems that are not listed one by one: the field
    /// (<c>agent_goals</c>), else the message up to its first colon without positions (<c>invalid JSON</c>,
    /// <c>invalid UTF-8</c>, <c>line too long</c>).</summary>
    public string Kind
    {
        get
        {
            if (Field is not null)
            {
                return Field;
            }

            var colon = Message.IndexOf(':', StringComparison.Ordinal);
            var head = PositionPattern().Replace(colon < 0 ? Message : Message[..colon], "").Trim();
            return head.Length <= 60 ? head : head[..60] + "…";
        }
    }

    /// <summary><c>file:line: field: message</c>, leaving out the parts that are null.</summary>
    public override string ToString()
    {
        var line = Line is int number ? ":" + number.ToString(CultureInfo.InvariantCulture) : "";
        var field = Field is null ? "" : Field + ": ";
        return $"{File}{line}: {field}{Message}";
    }

    [GeneratedRegex(@"\s+at (column|byte|line) \d+")]
    private static partial Regex PositionPattern();
}
