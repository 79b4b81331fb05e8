using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Writes CSV with CsvHelper the one way every CSV of ours is written: a header row named after the row
/// type's properties (even when there are no rows), RFC 4180 quoting, <c>\n</c> line ends, invariant culture, four
/// decimals for fractional numbers and an empty cell for null (a value that is not known — never 0).</summary>
internal static class CsvTable
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    public static string Write<TRow>(IEnumerable<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            var fourDecimals = new TypeConverterOptions { Formats = ["0.0000"] };
            foreach (var type in new[] { typeof(double), typeof(double?), typeof(decimal), typeof(decimal?) })
            {
                csv.Context.TypeConverterOptionsCache.AddOptions(type, fourDecimals);
            }
            csv.WriteHeader<TRow>();
            csv.NextRecord();
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
                csv.NextRecord();
            }
        }
        return text.ToString();
    }
}
