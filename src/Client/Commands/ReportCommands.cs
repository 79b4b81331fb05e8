using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia report</c>: a campaign's results as a self-contained HTML report, a Markdown summary
/// and CSV tables, optionally with the judge-versus-human gap from imported human ratings.</summary>
internal static class ReportCommands
{
    private const int MaxProblemsShown = 20;

    public static Command Create()
    {
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (default: the newest)." };
        var output = new Option<string?>("--out") { Description = "Folder to write the report into (default: <home>/reports/<campaign id>)." };
        var human = new Option<string?>("--human") { Description = "Human ratings to compare with the judge (CSV or JSONL: episode_id, seat, annotator, dimension scores; see docs/reports.md)." };
        var command = new Command("report", "Write a campaign's report: report.html (charts included), summary.md and CSV tables.") { campaign, output, human };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var ratings = parse.GetValue(human) is { } file ? ReadRatings(file) : null;
            return await CliContext.WithRuntimeAsync(parse, ct, async runtime =>
            {
                var record = await CampaignCommands.FindAsync(runtime.Store, parse.GetValue(campaign), ct);
                var report = await ReportSource.LoadAsync(runtime.Store, record, ratings, ct);
                if (report.Human is { Used: 0 } unused)
                {
                    throw new UserFacingException(
                        $"None of the {unused.Ratings} ratings in '{unused.Source}' rates an evaluated, judged seat of campaign {record.Id}: {string.Join("; ", unused.Notes)}");
                }
                var folder = parse.GetValue(output) ?? Path.Combine(runtime.Home, "reports", record.Id);
                var files = await ReportFiles.WriteAsync(report, folder, ct);
                AnsiConsole.MarkupLineInterpolated($"Report for campaign [bold]{record.Id}[/] ({record.Status}, {report.Episodes.Total} episodes):");
                foreach (var path in files)
                {
                    AnsiConsole.MarkupLineInterpolated($"  {path}");
                }
                foreach (var note in report.Human?.Notes ?? [])
                {
                    AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] human ratings: {note}");
                }
                return 0;
            });
        }));
        return command;
    }

    private static HumanRatingImport ReadRatings(string path)
    {
        var ratings = HumanRatingReader.Read(path);
        if (ratings.IsValid)
        {
            return ratings;
        }
        var lines = ratings.Problems.Take(MaxProblemsShown).Select(p => "  " + p).ToList();
        if (ratings.Problems.Length > MaxProblemsShown)
        {
            lines.Add($"  … and {ratings.Problems.Length - MaxProblemsShown} more");
        }
        throw new UserFacingException(
            $"The human ratings file has {ratings.Problems.Length} problem(s); nothing was written:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}
