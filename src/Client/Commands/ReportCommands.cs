using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia report</c>: a campaign's results as a self-contained HTML report, a Markdown summary
/// and CSV tables, optionally with the judge-versus-human gap from imported human ratings. With <c>--cluster</c>
/// the silo computes the report data from the cluster's store (<c>GET /api/campaigns/{id}/report</c>) and the
/// console writes the same files; no local store is opened or created.</summary>
internal static class ReportCommands
{
    private const int MaxProblemsShown = 20;

    public static Command Create()
    {
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (default: the newest)." };
        var output = new Option<string?>("--out") { Description = "Folder to write the report into (default: <home>/reports/<campaign id>; with --cluster: ./reports/<campaign id>)." };
        var human = new Option<string?>("--human") { Description = "Human ratings to compare with the judge (CSV or JSONL: episode_id, seat, annotator, dimension scores; see docs/reports.md)." };
        var command = new Command("report", "Write a campaign's report: report.html (charts included), summary.md and CSV tables.") { campaign, output, human };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var ratings = parse.GetValue(human) is { } file ? ReadRatings(file) : null;
            return await CliContext.WithRuntimeAsync(parse, ct, async runtime =>
            {
                var record = await CampaignCommands.FindAsync(runtime.Store, parse.GetValue(campaign), ct);
                var report = await ReportSource.LoadAsync(runtime.Store, record, ratings, ct);
                var folder = parse.GetValue(output) ?? Path.Combine(runtime.Home, "reports", record.Id);
                await WriteAsync(report, folder, ct);
                return 0;
            });
        }));
        ClusterMode.Branch(command, async (client, parse, ct) =>
        {
            // The ratings are checked here first (the same problems as in embedded mode, before any request), then sent
            // as text: the silo checks them again and joins them with the episodes of its store.
            HumanRatingsRequest? upload = null;
            if (parse.GetValue(human) is { } file)
            {
                var text = HumanRatingReader.ReadText(file);
                Checked(HumanRatingReader.Parse(file, text));
                upload = new HumanRatingsRequest { File = file, Format = HumanRatingReader.IsJsonl(file, text) ? "jsonl" : "csv", Text = text };
            }
            var id = parse.GetValue(campaign) ?? (await client.ListCampaignsAsync(ct)).FirstOrDefault()?.Id
                ?? throw new UserFacingException($"The cluster at {client.BaseAddress} has no campaigns yet.");
            var report = upload is null ? await client.GetReportAsync(id, ct) : await client.GetReportAsync(id, upload, ct);
            var folder = parse.GetValue(output) ?? Path.Combine("reports", SafeFolderName(report.Campaign.Id));
            await WriteAsync(report, folder, ct);
            return 0;
        });
        return command;
    }

    private static async Task WriteAsync(CampaignReportData report, string folder, CancellationToken ct)
    {
        if (report.Human is { Used: 0 } unused)
        {
            throw new UserFacingException(
                $"None of the {unused.Ratings} ratings in '{unused.Source}' rates an evaluated, judged seat of campaign {report.Campaign.Id}: {string.Join("; ", unused.Notes)}");
        }
        var files = await ReportFiles.WriteAsync(report, folder, ct);
        AnsiConsole.MarkupLineInterpolated($"Report for campaign [bold]{report.Campaign.Id}[/] ({report.Campaign.Status}, {report.Episodes.Total} episodes):");
        foreach (var path in files)
        {
            AnsiConsole.MarkupLineInterpolated($"  {path}");
        }
        foreach (var note in report.Human?.Notes ?? [])
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] human ratings: {note}");
        }
    }

    /// <summary>A campaign id from the silo as a folder name below ./reports; an id that would name another folder
    /// ("." or "..") needs an explicit --out.</summary>
    private static string SafeFolderName(string id) =>
        id is "." or ".." || id.IndexOfAny(['/', '\\']) >= 0 || id.Length == 0
            ? throw new UserFacingException($"Campaign id '{id}' cannot be a folder name below ./reports; choose the folder with --out DIR.", 2)
            : id;

    private static HumanRatingImport ReadRatings(string path) => Checked(HumanRatingReader.Read(path));

    /// <summary>The ratings, or a usage error listing their first problems.</summary>
    private static HumanRatingImport Checked(HumanRatingImport ratings)
    {
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
