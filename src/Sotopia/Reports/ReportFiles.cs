using System.Text;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Writes a report's files into a folder: <c>report.html</c>, <c>summary.md</c> and the CSVs.</summary>
internal static class ReportFiles
{
    public const string Html = "report.html";
    public const string Markdown = "summary.md";

    /// <summary>Writes every file (replacing older ones of the same name) and returns their full paths, the
    /// HTML first.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(CampaignReportData report, string folder, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var files = new List<(string Name, string Content)>
        {
            (Html, HtmlReport.Render(report)),
            (Markdown, MarkdownReport.Render(report)),
        };
        files.AddRange(CsvReport.Render(report));
        var written = new List<string>();
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);
            await File.WriteAllTextAsync(path, content, utf8, cancellationToken);
            written.Add(path);
        }
        if (report.Human is null)
        {
            // A report written without ratings must not leave an older human_gap.csv beside it.
            File.Delete(Path.Combine(folder, CsvReport.HumanGap));
        }
        return written;
    }
}
