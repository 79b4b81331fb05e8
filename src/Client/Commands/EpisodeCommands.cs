using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Client.Output;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia episodes list|show</c>.</summary>
internal static class EpisodeCommands
{
    public static Command Create()
    {
        var episodes = new Command("episodes", "Browse played episodes.");
        episodes.Subcommands.Add(List());
        episodes.Subcommands.Add(Show());
        return episodes;
    }

    private static Command List()
    {
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (default: the newest)." };
        var round = new Option<int?>("--round") { Description = "Only this round (stage index)." };
        var status = new Option<string?>("--status") { Description = "Only this status (pending, running, completed, evaluation_failed, failed, cancelled)." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows (1..1000).", DefaultValueFactory = _ => 50 };
        var after = new Option<string?>("--after") { Description = "Continue after this position: the cursor the previous page printed." };
        var command = new Command("list", "List a campaign's episodes with their scores, oldest first, a page at a time.") { campaign, round, status, limit, after };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() =>
        {
            // Checked before the store is opened: a rejected command creates nothing.
            var pageSize = PageSize(parse.GetValue(limit));
            var position = Cursor(parse.GetValue(after));
            var statusFilter = StatusFilter(parse.GetValue(status));
            return CliContext.WithRuntimeAsync(parse, ct, runtime => ListAsync(runtime, parse.GetValue(campaign), parse.GetValue(round), statusFilter, pageSize, position, ct));
        }));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.ListEpisodesAsync(
            client, parse.GetValue(campaign), parse.GetValue(round), parse.GetValue(status), PageSize(parse.GetValue(limit)), parse.GetValue(after), ct));
        return command;
    }

    private static async Task<int> ListAsync(
        EmbeddedRuntime runtime, string? campaign, int? round, EpisodeStatus? statusFilter, int pageSize, EpisodeCursor? after, CancellationToken ct)
    {
        var c = await CampaignCommands.FindAsync(runtime.Store, campaign, ct);
        var query = new EpisodeQuery { CampaignId = c.Id, Round = round, Status = statusFilter, After = after };
        // One more than the page, to know whether a next page exists.
        var fetched = await runtime.Store.ListEpisodesAsync(query with { Limit = pageSize + 1 }, ct);
        var rows = fetched.Take(pageSize).ToList();
        var total = await runtime.Store.CountMatchingEpisodesAsync(query with { After = null }, ct);
        var index = new DatasetIndex(await runtime.Store.LoadDatasetAsync(c.DatasetVersionOrLegacy, ct));
        var scenarios = index.Dataset.Scenarios.ToDictionary(x => x.Id);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("id").NoWrap());
        foreach (var column in new[] { "round", "scenario", "seat 1", "seat 2", "status", "ended", "GOAL 1", "GOAL 2" })
        {
            table.AddColumn(column);
        }
        foreach (var e in rows)
        {
            var evaluation = e.Outcome?.Evaluation;
            table.AddRow(
                Markup.Escape(e.Id),
                e.Round.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(scenarios.TryGetValue(e.ScenarioId, out var sc) ? sc.Codename : e.ScenarioId),
                Markup.Escape(Seat(e, 0)),
                Markup.Escape(Seat(e, 1)),
                e.Status.ToString(),
                e.Termination?.ToString() ?? "",
                evaluation is null ? "-" : evaluation.Agent1.Goal.ToString(CultureInfo.InvariantCulture) + (e.ScoredSeats.Contains(0) ? "" : "*"),
                evaluation is null ? "-" : evaluation.Agent2.Goal.ToString(CultureInfo.InvariantCulture) + (e.ScoredSeats.Contains(1) ? "" : "*"));
        }
        AnsiConsole.Write(table);
        EpisodePageFooter.Write(AnsiConsole.Console, rows.Count, total, fetched.Count > pageSize ? EpisodeCursor.After(rows[^1]).Encode() : null);
        return 0;
    }

    /// <summary>The page size <c>--limit</c> asks for; the API's bound (1..1000) holds for the local store too.</summary>
    private static int PageSize(int limit) => limit is >= 1 and <= 1000
        ? limit
        : throw new UserFacingException($"--limit: {limit} is outside 1..1000.");

    private static EpisodeStatus? StatusFilter(string? status) => status is { } s
        ? Enum.TryParse<EpisodeStatus>(s.Replace("_", ""), ignoreCase: true, out var parsed)
            ? parsed
            : throw new UserFacingException($"--status: '{s}' is not an episode status.")
        : null;

    private static EpisodeCursor? Cursor(string? text) => text is null
        ? null
        : EpisodeCursor.TryParse(text.Trim(), out var cursor)
            ? cursor
            : throw new UserFacingException($"--after: '{text}' is not a cursor a page printed (copy it as it is).");

    private static string Seat(EpisodeRecord e, int seat) =>
        e.Seats[seat].Role == AgentRoles.Policy ? $"policy v{e.Seats[seat].Version}" : e.Seats[seat].Role;

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Episode id." };
        var command = new Command("show", "Show an episode: transcript, scores and the judge's reasoning.") { id };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var episode = await runtime.Store.GetEpisodeAsync(parse.GetValue(id)!, ct)
                ?? throw new UserFacingException($"Episode '{parse.GetValue(id)}' does not exist.");
            var turns = await runtime.Store.GetTurnsAsync(episode.Id, ct);
            var setup = new DatasetIndex(await runtime.Store.LoadDatasetAsync(episode.DatasetVersionOrLegacy, ct)).GetSetup(episode);
            Render(episode, setup, turns);
            return 0;
        })));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.ShowEpisodeAsync(client, parse.GetValue(id)!, ct));
        return command;
    }

    internal static void Render(EpisodeRecord episode, EpisodeSetup setup, IReadOnlyList<Turn> turns)
    {
        var console = AnsiConsole.Console;
        console.Write(new Rule($"[bold]{Markup.Escape(setup.Scenario.Codename)}[/] — {Markup.Escape(episode.Id)}").LeftJustified());
        console.MarkupLineInterpolated($"[grey]Scenario:[/] {HintTags.Render(setup.Scenario.Text)}");
        for (var seat = 0; seat < 2; seat++)
        {
            var c = setup.Agent(seat);
            console.MarkupLineInterpolated($"[grey]Seat {seat + 1}:[/] [bold]{c.FullName}[/] ({c.Age}, {c.Occupation}) — {Seat(episode, seat)} [[{episode.Seats[seat].Model}]]");
            console.MarkupLineInterpolated($"    [grey]goal:[/] {HintTags.Render(setup.Goal(seat))}");
            console.MarkupLineInterpolated($"    [grey]secret:[/] {c.Secret}");
        }
        console.MarkupLineInterpolated($"[grey]Relationship:[/] {setup.Relationship}; status [bold]{episode.Status}[/]; ended: {episode.Termination?.ToString() ?? "-"}");
        console.WriteLine();
        foreach (var turn in turns)
        {
            var name = setup.Agent(turn.Seat).FullName;
            var color = turn.Action.Type switch
            {
                ActionType.Speak => "white",
                ActionType.NonVerbalCommunication => "aqua",
                ActionType.Action => "yellow",
                ActionType.Leave => "red",
                _ => "grey",
            };
            console.MarkupLine($"[grey]Turn #{turn.Number}[/] [bold]{Markup.Escape(name)}[/] [{color}]{Markup.Escape(ActionRenderer.Render(turn.Action))}[/]");
            if (turn.Note is not null)
            {
                console.MarkupLineInterpolated($"         [grey]note: {turn.Note}[/]");
            }
        }
        console.WriteLine();
        if (episode.Outcome is { Succeeded: true } outcome)
        {
            for (var seat = 0; seat < 2; seat++)
            {
                var evaluation = outcome.Evaluation.ForSeat(seat);
                var scored = episode.ScoredSeats.Contains(seat) ? "" : " (not scored in this episode's purpose)";
                var table = new Table()
                    .Title($"[bold]{Markup.Escape(setup.Agent(seat).FullName)}[/] — overall {evaluation.Overall.ToString("0.00", CultureInfo.InvariantCulture)}{scored}")
                    .Border(TableBorder.Rounded);
                table.AddColumn("dimension");
                table.AddColumn(new TableColumn("score").RightAligned());
                table.AddColumn("range");
                table.AddColumn("judge's reasoning");
                foreach (var info in DimensionInfo.All)
                {
                    var score = evaluation.Scores[(int)info.Dimension];
                    table.AddRow(info.Key, score.Score.ToString(CultureInfo.InvariantCulture), $"{info.Min}..{info.Max}", Markup.Escape(score.Reasoning));
                }
                console.Write(table);
            }
            console.MarkupLineInterpolated($"[grey]Judge: {outcome.Evaluation.JudgeModel}[/]");
        }
        else if (episode.Outcome?.Failure is { } failure)
        {
            console.MarkupLineInterpolated($"[red]Evaluation failed:[/] {failure.Reason} (no scores are recorded for this episode)");
        }
        else if (episode.FailureReason is not null)
        {
            console.MarkupLineInterpolated($"[red]Episode failed:[/] {episode.FailureReason}");
        }
    }
}
