using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Output;

/// <summary>Shows a campaign's progress until it ends: live bars per phase (episodes done/total, rate, ETA,
/// and training epochs) on a terminal, or a plain line per change when output is redirected.</summary>
internal static partial class CampaignProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static async Task<CampaignRecord> WatchAsync(ISotopiaStore store, string campaignId, bool live, Task hostStopped, CancellationToken cancellationToken)
    {
        if (live && AnsiConsole.Profile.Capabilities.Interactive)
        {
            CampaignRecord? final = null;
            await AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new CountColumn(),
                    new RateColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var bars = new Dictionary<string, ProgressTask>();
                    while (true)
                    {
                        var (campaign, rows) = await SnapshotAsync(store, campaignId, cancellationToken);
                        foreach (var row in rows)
                        {
                            if (!bars.TryGetValue(row.Key, out var bar))
                            {
                                bar = context.AddTask(row.Label, maxValue: Math.Max(1, row.Total));
                                bars[row.Key] = bar;
                            }
                            bar.Description = row.Label;
                            bar.MaxValue = Math.Max(1, row.Total);
                            bar.Value = row.Done;
                            if (row.Total > 0 && row.Done >= row.Total)
                            {
                                bar.StopTask();
                            }
                        }
                        if (IsTerminal(campaign.Status) || hostStopped.IsCompleted)
                        {
                            final = campaign;
                            break;
                        }
                        await Task.Delay(Interval, cancellationToken);
                    }
                });
            return final!;
        }

        var lastLines = new Dictionary<string, string>();
        var lastPrint = DateTimeOffset.MinValue;
        while (true)
        {
            var (campaign, rows) = await SnapshotAsync(store, campaignId, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            foreach (var row in rows)
            {
                var line = $"{row.Label}: {row.Done}/{row.Total}";
                var changedPhase = !lastLines.TryGetValue(row.Key, out var previous);
                var finished = row.Total > 0 && row.Done >= row.Total && previous != line;
                if (changedPhase || finished || (previous != line && now - lastPrint > TimeSpan.FromSeconds(5)))
                {
                    Console.Out.WriteLine(line);
                    lastLines[row.Key] = line;
                    lastPrint = now;
                }
            }
            if (IsTerminal(campaign.Status) || hostStopped.IsCompleted)
            {
                return campaign;
            }
            await Task.Delay(Interval, cancellationToken);
        }
    }

    public static bool IsTerminal(CampaignStatus status) =>
        status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled or CampaignStatus.Paused;

    private sealed record Row(string Key, string Label, int Done, int Total);

    private static async Task<(CampaignRecord Campaign, List<Row> Rows)> SnapshotAsync(ISotopiaStore store, string campaignId, CancellationToken ct)
    {
        var campaign = await store.GetCampaignAsync(campaignId, ct)
            ?? throw new UserFacingException($"Campaign '{campaignId}' does not exist.");
        var plan = CampaignPlan.Build(campaign.Spec);
        var rows = new List<Row>();
        foreach (var stage in plan)
        {
            if (stage.Index > campaign.Stage || (stage.Index == campaign.Stage && campaign.Step == "start"))
            {
                break;
            }
            var counts = await store.CountEpisodesAsync(campaignId, stage.Index, ct);
            rows.Add(new Row($"play-{stage.Index}", StageLabel(campaign, stage), counts.Finished, counts.Total));
            if (stage.IsTraining && (stage.Index < campaign.Stage || campaign.Step == "training"))
            {
                var round = campaign.Rounds.FirstOrDefault(r => r.Round == stage.Index);
                if (round?.TrainingRequestId is { } requestId)
                {
                    var request = await store.GetTrainingRequestAsync(requestId, ct);
                    var (done, total) = ParseEpochs(request?.Progress, campaign.Spec.Trainer.Epochs);
                    if (request?.Status == TrainingStatus.Succeeded)
                    {
                        done = total;
                    }
                    var label = request?.PublishedVersion is { } v
                        ? $"  train {CampaignPlan.LabelFor(campaign.Spec, stage)} → v{v} ({round.TrainingExamples} examples)"
                        : $"  train {CampaignPlan.LabelFor(campaign.Spec, stage)} ({round.TrainingExamples} examples)";
                    rows.Add(new Row($"train-{stage.Index}", label, done, total));
                }
            }
        }
        return (campaign, rows);
    }

    private static string StageLabel(CampaignRecord campaign, CampaignStage stage)
    {
        var round = campaign.Rounds.FirstOrDefault(r => r.Round == stage.Index);
        return stage.Kind switch
        {
            "bc" => "BC: expert vs expert",
            "sr" => $"SR {stage.SrRound}: policy v{round?.PlayedVersion} vs itself",
            _ => "Evaluation vs partner",
        };
    }

    private static (int Done, int Total) ParseEpochs(string? progress, int epochs)
    {
        if (progress is not null && EpochPattern().Match(progress) is { Success: true } m)
        {
            return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        return (0, epochs);
    }

    [GeneratedRegex(@"epoch (\d+)/(\d+)")]
    private static partial Regex EpochPattern();

    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup($"[grey]{task.Value:0}/{task.MaxValue:0}[/]");
    }

    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.Speed is { } speed && !task.IsFinished ? $"[grey]{speed:0.0}/s[/]" : "");
    }
}
