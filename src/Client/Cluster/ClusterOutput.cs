using System.Globalization;
using Spectre.Console;
using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Cluster;

/// <summary>Renders API answers on the console, in the same shapes as embedded mode.</summary>
internal static class ClusterOutput
{
    public static void CampaignStatus(CampaignStatusResponse status, IAnsiConsole console)
    {
        var current = status.Stage < status.Stages.Length ? status.Stages[status.Stage] : null;
        console.MarkupLineInterpolated(
            $"[bold]{status.Id}[/] {status.Mode} — status [bold]{Wire(status.Status)}[/], stage {Math.Min(status.Stage + 1, status.Stages.Length)}/{status.Stages.Length} ({current?.Label ?? "done"}, {status.Step})");
        console.Write(StageTable(status, rates: null));
        if (status.Spend is { } spend)
        {
            CampaignUsageOutput.Render(spend.Usage, status.Spec.Budget, status.Status, spend.Reserved, console);
        }
        CampaignReport.Render(ToRecord(status), console);
    }

    /// <summary>The per-stage table; <paramref name="rates"/> adds rate and ETA columns (watch).</summary>
    public static Table StageTable(CampaignStatusResponse status, IReadOnlyDictionary<int, (double? Rate, TimeSpan? Eta)>? rates)
    {
        var table = new Table().Border(TableBorder.Rounded);
        var columns = new List<string> { "stage", "state", "done", "running", "pending", "failed", "eval failed" };
        if (rates is not null)
        {
            columns.AddRange(["rate", "ETA"]);
        }
        columns.Add("training");
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }
        foreach (var stage in status.Stages)
        {
            var e = stage.Episodes;
            var cells = new List<string>
            {
                Markup.Escape(stage.Description),
                stage.State,
                $"{e.Finished}/{e.Total}",
                I(e.Running),
                I(e.Pending),
                I(e.Failed + e.Cancelled),
                I(e.EvaluationFailed),
            };
            if (rates is not null)
            {
                var (rate, eta) = rates.TryGetValue(stage.Index, out var r) ? r : (null, null);
                cells.Add(rate is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + "/s" : "-");
                cells.Add(eta is { } t ? Duration(t) : "-");
            }
            cells.Add(Markup.Escape(Training(stage.Training)));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    public static string Training(TrainingProgressResponse? training) => training switch
    {
        null => "",
        { Status: TrainingStatus.Succeeded, PublishedVersion: { } v } => $"done → v{v} ({training.Examples} examples)",
        { Status: TrainingStatus.Failed } => $"failed: {training.Error}",
        { Status: TrainingStatus.Pending } => $"waiting for a trainer ({training.Examples} examples)",
        _ => $"epoch {training.EpochsDone}/{training.EpochsTotal}" + (training.Progress is { } p && p.Contains("loss", StringComparison.Ordinal) ? $" ({p})" : ""),
    };

    public static void CampaignList(IReadOnlyList<CampaignSummaryResponse> campaigns, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "id", "name", "mode", "status", "stage", "rounds", "dataset", "created" })
        {
            table.AddColumn(column);
        }
        foreach (var c in campaigns)
        {
            table.AddRow(
                Markup.Escape(c.Id), Markup.Escape(c.Name), c.Mode.ToString(), Wire(c.Status),
                $"{Math.Min(c.Stage + 1, c.Stages)}/{c.Stages}", I(c.Rounds), I(c.DatasetVersion), c.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    private static string Count(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-";

    public static void Silos(IReadOnlyList<SiloResponse> silos, IAnsiConsole console)
    {
        var table = new Table().Title("[bold]Silos[/]").Border(TableBorder.Rounded);
        foreach (var column in new[] { "id", "status", "episodes in flight", "capacity", "grains", "api", "orleans address", "started", "last alive" })
        {
            table.AddColumn(column);
        }
        foreach (var s in silos)
        {
            table.AddRow(
                Markup.Escape(s.Id) + (s.IsSelf ? " [grey](answering)[/]" : ""), s.Status,
                Count(s.EpisodesInFlight), Count(s.MaxConcurrentEpisodes), Count(s.GrainsActive),
                Markup.Escape(s.ApiUrl ?? "-"), Markup.Escape(s.Address),
                s.StartedAt.ToString("u", CultureInfo.InvariantCulture), s.LastHeartbeatAt.ToString("u", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    public static void EpisodePage(EpisodePageResponse page, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded);
        // Ids whole on one line, as the local listing prints them: they are what `episodes show` takes.
        table.AddColumn(new TableColumn("id").NoWrap());
        foreach (var column in new[] { "round", "scenario", "seat 1", "seat 2", "status", "ended", "GOAL 1", "GOAL 2" })
        {
            table.AddColumn(column);
        }
        foreach (var e in page.Items)
        {
            table.AddRow(
                Markup.Escape(e.Id), I(e.Round), Markup.Escape(e.Scenario),
                Markup.Escape($"{e.Characters[0]} ({Seat(e.Seats[0])})"), Markup.Escape($"{e.Characters[1]} ({Seat(e.Seats[1])})"),
                Wire(e.Status), e.Termination?.ToString() ?? "",
                Goal(e, 0), Goal(e, 1));
        }
        console.Write(table);
        EpisodePageFooter.Write(console, page.Items.Length, page.Total, page.NextCursor);
    }

    public static void Episode(EpisodeDetailResponse episode, IAnsiConsole console)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(episode.Scenario.Codename)}[/] — {Markup.Escape(episode.Id)}").LeftJustified());
        console.MarkupLineInterpolated($"[grey]Scenario:[/] {episode.Scenario.Text}");
        foreach (var seat in episode.Seats)
        {
            var who = seat.Role == AgentRoles.Policy ? $"policy v{seat.Version}" : seat.Role;
            console.MarkupLineInterpolated($"[grey]Seat {seat.Seat + 1}:[/] [bold]{seat.Name}[/] ({seat.Age}, {seat.Occupation}) — {who} [[{seat.Model}]]");
            console.MarkupLineInterpolated($"    [grey]goal:[/] {seat.Goal}");
            console.MarkupLineInterpolated($"    [grey]secret:[/] {seat.Secret}");
        }
        console.MarkupLineInterpolated($"[grey]Relationship:[/] {episode.Relationship}; status [bold]{Wire(episode.Status)}[/]; ended: {episode.Termination?.ToString() ?? "-"}");
        console.WriteLine();
        foreach (var turn in episode.Turns)
        {
            console.MarkupLineInterpolated($"[grey]Turn #{turn.Number}[/] {turn.Line}");
            if (turn.Note is not null)
            {
                console.MarkupLineInterpolated($"         [grey]note: {turn.Note}[/]");
            }
        }
        console.WriteLine();
        foreach (var seat in episode.Seats)
        {
            if (seat.Evaluation is not { } evaluation)
            {
                continue;
            }
            var scored = seat.Scored ? "" : " (not scored in this episode's purpose)";
            var table = new Table()
                .Title($"[bold]{Markup.Escape(seat.Name)}[/] — overall {evaluation.Overall.ToString("0.00", CultureInfo.InvariantCulture)}{scored}")
                .Border(TableBorder.Rounded);
            table.AddColumn("dimension");
            table.AddColumn(new TableColumn("score").RightAligned());
            table.AddColumn("range");
            table.AddColumn("judge's reasoning");
            foreach (var d in evaluation.Dimensions)
            {
                table.AddRow(d.Key, I(d.Score), $"{d.Min}..{d.Max}", Markup.Escape(d.Reasoning));
            }
            console.Write(table);
        }
        if (episode.JudgeModel is not null)
        {
            console.MarkupLineInterpolated($"[grey]Judge: {episode.JudgeModel}[/]");
        }
        if (episode.EvaluationFailure is not null)
        {
            console.MarkupLineInterpolated($"[red]Evaluation failed:[/] {episode.EvaluationFailure} (no scores are recorded for this episode)");
        }
        if (episode.FailureReason is not null)
        {
            console.MarkupLineInterpolated($"[red]Episode failed:[/] {episode.FailureReason}");
        }
    }

    public static void Policy(PolicyResponse policy, IAnsiConsole console) =>
        console.Write(PolicyVersionsTable.Create(policy.Name, policy.Versions, policy.ActiveVersion));

    /// <summary>The stored record the status describes (for the shared results tables).</summary>
    public static CampaignRecord ToRecord(CampaignStatusResponse status) => new()
    {
        Id = status.Id,
        Spec = status.Spec,
        DatasetVersion = status.DatasetVersion,
        Status = status.Status,
        Stage = status.Stage,
        Step = status.Step,
        Rounds = status.Rounds,
        Evaluations = status.Evaluations,
        Error = status.Error,
        CreatedAt = status.CreatedAt,
        UpdatedAt = status.UpdatedAt,
    };

    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{Math.Max(0, (int)Math.Ceiling(t.TotalSeconds))}s";

    private static string Seat(SeatBinding seat) => seat.Role == AgentRoles.Policy ? $"policy v{seat.Version}" : seat.Role;

    private static string Goal(EpisodeSummaryResponse e, int seat) =>
        e.Goal.Length > seat && e.Goal[seat] is { } g ? I(g) + (e.ScoredSeats.Contains(seat) ? "" : "*") : "-";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
