using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Cluster;

/// <summary><c>campaign watch ID</c>: asks the silo for the campaign every interval and shows, per stage,
/// episodes done/running/pending/failed, the rate and ETA, and training progress, plus the silos' counters;
/// live on a terminal, one line per change when output is redirected. Ends when the campaign completes (exit 0),
/// fails or is cancelled (exit 1); a paused campaign is shown as paused and watched on. Survives a silo that
/// is briefly unreachable (rolling restart).</summary>
internal sealed class ClusterCampaignWatch(SotopiaApiClient client, IAnsiConsole console, TimeSpan interval)
{
    private const int MaxConsecutiveFailures = 30;
    private static readonly TimeSpan PlainRepeat = TimeSpan.FromSeconds(5);

    private readonly StageRateTracker _rates = new(TimeProvider.System);
    private readonly Dictionary<string, (string Text, DateTimeOffset At)> _printed = [];
    private int _failures;

    public async Task<int> RunAsync(string campaignId, CancellationToken ct)
    {
        var status = await client.GetCampaignAsync(campaignId, ct);
        var silos = await TryListSilosAsync(ct);
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(Frame(status, silos)).AutoClear(false).StartAsync(async context =>
            {
                while (!HasEnded(status))
                {
                    await Task.Delay(interval, ct);
                    (status, silos) = await PollAsync(campaignId, status, silos, ct);
                    context.UpdateTarget(Frame(status, silos));
                }
            });
        }
        else
        {
            PrintChanges(status, silos);
            while (!HasEnded(status))
            {
                await Task.Delay(interval, ct);
                (status, silos) = await PollAsync(campaignId, status, silos, ct);
                PrintChanges(status, silos);
            }
        }
        console.WriteLine();
        console.MarkupLineInterpolated($"Campaign [bold]{status.Id}[/] {ClusterOutput.Wire(status.Status)}.");
        CampaignReport.Render(ClusterOutput.ToRecord(status), console);
        return status.Status == CampaignStatus.Completed ? 0 : 1;
    }

    private static bool HasEnded(CampaignStatusResponse status) =>
        status.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled;

    private async Task<(CampaignStatusResponse, SiloResponse[]?)> PollAsync(
        string campaignId, CampaignStatusResponse last, SiloResponse[]? lastSilos, CancellationToken ct)
    {
        try
        {
            var status = await client.GetCampaignAsync(campaignId, ct);
            _failures = 0;
            return (status, await TryListSilosAsync(ct) ?? lastSilos);
        }
        catch (SotopiaApiException ex) when (ex.Status is null || (int)ex.Status >= 500)
        {
            if (++_failures >= MaxConsecutiveFailures)
            {
                throw;
            }
            console.MarkupLineInterpolated($"[yellow]warning:[/] {ex.Message} (retrying)");
            return (last, lastSilos);
        }
    }

    /// <summary>The per-silo breakdown is optional: an older silo without <c>/api/silos</c> just has none.</summary>
    private async Task<SiloResponse[]?> TryListSilosAsync(CancellationToken ct)
    {
        try
        {
            return await client.ListSilosAsync(ct);
        }
        catch (SotopiaApiException)
        {
            return null;
        }
    }

    private IRenderable Frame(CampaignStatusResponse status, SiloResponse[]? silos)
    {
        var rates = _rates.Sample(status);
        var parts = new List<IRenderable>
        {
            new Markup(Markup.Escape($"{status.Id} ({status.Name}, {status.Mode}) — {ClusterOutput.Wire(status.Status)}, stage {Math.Min(status.Stage + 1, status.Stages.Length)}/{status.Stages.Length}, {status.Episodes.Finished}/{status.Episodes.Total} episodes finished")),
            ClusterOutput.StageTable(status, rates),
        };
        if (silos is { Length: > 0 })
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "silo", "status", "episodes in flight", "capacity", "last alive" })
            {
                table.AddColumn(column);
            }
            foreach (var s in silos)
            {
                table.AddRow(
                    Markup.Escape(s.Id), s.Status, N(s.EpisodesInFlight), N(s.MaxConcurrentEpisodes),
                    s.LastHeartbeatAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            }
            parts.Add(table);
        }
        if (status.Status == CampaignStatus.Paused)
        {
            parts.Add(new Markup("[yellow]paused[/] — resume with 'sotopia --cluster URL campaign resume " + Markup.Escape(status.Id) + "'"));
        }
        return new Rows(parts);
    }

    private void PrintChanges(CampaignStatusResponse status, SiloResponse[]? silos)
    {
        var rates = _rates.Sample(status);
        var now = DateTimeOffset.UtcNow;
        Print("status", $"campaign {status.Id}: {ClusterOutput.Wire(status.Status)}, stage {Math.Min(status.Stage + 1, status.Stages.Length)}/{status.Stages.Length} ({status.Step})", null, now, force: true);
        foreach (var stage in status.Stages.Where(s => s.State != "pending"))
        {
            var e = stage.Episodes;
            var line = $"{stage.Description}: {e.Finished}/{e.Total} done, {e.Running} running, {e.Failed + e.Cancelled} failed, {e.EvaluationFailed} evaluation failed";
            if (stage.Training is not null)
            {
                line += "; training " + ClusterOutput.Training(stage.Training);
            }
            var (rate, eta) = rates[stage.Index];
            var extra = rate is { } r ? $" ({r.ToString("0.0", CultureInfo.InvariantCulture)}/s{(eta is { } t ? ", ETA " + ClusterOutput.Duration(t) : "")})" : null;
            Print($"stage-{stage.Index}", line, extra, now, force: stage.State == "done" || e.Finished == e.Total);
        }
        foreach (var s in silos ?? [])
        {
            Print($"silo-{s.Id}", $"silo {s.Id}: {s.Status}, {N(s.EpisodesInFlight)} episodes in flight", null, now, force: false);
        }
    }

    /// <summary>Prints a line when it changed: at once for state changes (<paramref name="force"/>), otherwise at
    /// most every <see cref="PlainRepeat"/>, so a long stage shows steady progress without flooding a log.</summary>
    private void Print(string key, string text, string? extra, DateTimeOffset now, bool force)
    {
        if (_printed.TryGetValue(key, out var last) && (last.Text == text || (!force && now - last.At < PlainRepeat)))
        {
            return;
        }
        console.WriteLine(text + extra);
        _printed[key] = (text, now);
    }

    private static string N(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-";
}
