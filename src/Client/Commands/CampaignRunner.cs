using Spectre.Console;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Commands;

/// <summary>Runs campaigns in embedded mode: with the in-process silo and trainer started, shows progress until
/// the campaign ends (or Ctrl-C), stops the silo gracefully, and reports.</summary>
internal static class CampaignRunner
{
    public static async Task<int> RunToEndAsync(EmbeddedRuntime runtime, EmbeddedSilo silo, string campaignId, bool live, double maxFailedPercent, CancellationToken ct)
    {
        CampaignRecord campaign;
        try
        {
            campaign = await CampaignProgress.WatchAsync(runtime.Store, campaignId, live, silo.Stopping, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await silo.StopAsync();
            AnsiConsole.MarkupLine("[yellow]Interrupted.[/] Everything played so far is stored.");
            AnsiConsole.MarkupLineInterpolated($"Continue with: [bold]sotopia run --resume --out {runtime.Home}[/]");
            return CampaignOutcome.Interrupted;
        }
        await silo.StopAsync();

        if (campaign.Status == CampaignStatus.Running)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the embedded silo stopped unexpectedly; see {runtime.LogPath}. Continue with: sotopia run --resume --out {runtime.Home}");
            return 1;
        }
        AnsiConsole.WriteLine();
        CampaignReport.Render(campaign, AnsiConsole.Console);
        var files = CampaignReport.WriteFiles(campaign, Path.Combine(runtime.Home, "results", campaign.Id));
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(runtime.Home, Path.GetFileName(file)), overwrite: true);
        }
        AnsiConsole.MarkupLineInterpolated($"Results: [bold]{Path.Combine(runtime.Home, "summary.json")}[/], results.csv, results.md (also under results/{campaign.Id}/)");
        switch (campaign.Status)
        {
            case CampaignStatus.Paused:
                await CampaignUsageOutput.RenderAsync(runtime.Store, campaign, AnsiConsole.Console, ct);
                AnsiConsole.MarkupLineInterpolated(
                    $"[yellow]Paused[/] before its end (exit code {CampaignOutcome.PausedByBudget}): {campaign.Error ?? "its budget was reached"}. Continue with: sotopia run --resume --out {runtime.Home}");
                return CampaignOutcome.PausedByBudget;
            case CampaignStatus.Completed:
                var counts = await runtime.Store.CountEpisodesAsync(campaign.Id, cancellationToken: ct);
                if (CampaignOutcome.Check(counts, maxFailedPercent) is { } failures)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"[red]error:[/] the campaign completed, but {failures}. See: sotopia episodes list --campaign {campaign.Id} --status failed (or evaluation_failed), and {runtime.LogPath}");
                    return CampaignOutcome.TooManyFailures;
                }
                return CampaignOutcome.Completed;
            default:
                return CampaignOutcome.Error;
        }
    }
}
