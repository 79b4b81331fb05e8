using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>Reads a CSV file we wrote (with CsvHelper's parser) into one dictionary per row, checking that the
/// header names each column once and that every row has as many fields as the header.</summary>
internal static class ReportCsv
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        using var parser = new CsvParser(new StringReader(File.ReadAllText(path)), new CsvConfiguration(CultureInfo.InvariantCulture));
        Assert.True(parser.Read(), $"{path} has no header row");
        var header = parser.Record!;
        Assert.True(header.Distinct(StringComparer.Ordinal).Count() == header.Length, $"{path}: a column name repeats: {string.Join(",", header)}");
        var rows = new List<Dictionary<string, string>>();
        while (parser.Read())
        {
            var fields = parser.Record!;
            Assert.True(fields.Length == header.Length, $"{path}:{parser.RawRow}: {fields.Length} fields, the header has {header.Length}");
            rows.Add(header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        return rows;
    }

    public static IReadOnlyList<string> Header(string path)
    {
        using var parser = new CsvParser(new StringReader(File.ReadAllText(path)), new CsvConfiguration(CultureInfo.InvariantCulture));
        Assert.True(parser.Read(), $"{path} has no header row");
        return parser.Record!;
    }
}
