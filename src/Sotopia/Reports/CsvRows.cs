using System.Text;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>A small RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, newlines
/// and doubled quotes. Yields each record with the 1-based line it starts on; blank lines are skipped.</summary>
internal static class CsvRows
{
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields, string? Error)> Read(string text)
    {
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            string? error = null;
            var quoted = false;
            var blank = true;
            while (i < text.Length)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                        i++;
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }
                        field.Append(c);
                        i++;
                    }
                    continue;
                }
                if (c == '\r' || c == '\n')
                {
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    break;
                }
                blank = false;
                i++;
                if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '"' && field.ToString().Trim().Length == 0)
                {
                    field.Clear();
                    quoted = true;
                }
                else
                {
                    field.Append(c);
                }
            }
            if (quoted)
            {
                error = "a quoted field is not closed before the end of the file";
            }
            if (blank && fields.Count == 0 && field.Length == 0)
            {
                continue;
            }
            fields.Add(field.ToString());
            yield return (start, fields, error);
        }
    }
}
