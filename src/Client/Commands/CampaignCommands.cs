using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Client.Output;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia campaign start|status|list|cancel</c> in embedded mode.</summary>
internal static class CampaignCommands
{
    public static Command Create()
    {
        var campaign = new Command("campaign", "Start, inspect and cancel campaigns.");
        campaign.Subcommands.Add(Start());
        campaign.Subcommands.Add(Status());
        campaign.Subcommands.Add(List());
        campaign.Subcommands.Add(Cancel());
        return campaign;
    }

    private static Command Start()
    {
        var spec = new Option<string>("--spec") { Description = "Campaign spec file (JSON or YAML).", Required = true };
        var detach = new Option<bool>("--detach") { Description = "Only create the campaign; 'sotopia run --resume' plays it." };
        var concurrency = new Option<int>("--concurrency") { Description = "Episodes played at once.", DefaultValueFactory = _ => 256 };
        var noProgress = new Option<bool>("--no-progress") { Description = "Plain progress lines instead of live bars." };
        var maxFailed = CampaignOutcome.CreateMaxFailedOption();
        var config = LlmBackendOptions.CreateConfig();
        var command = new Command("start", "Create a campaign from a spec and run it to the end.") { spec, detach, concurrency, noProgress, maxFailed, config };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() =>
        {
            // The spec, its dataset and the options are checked before the store folder is created.
            var loaded = SpecFile.Load(parse.GetValue(spec)!);
            CampaignPreflight.Check(loaded, null, parse.GetValue(config), null, null);
            CampaignPreflight.CheckConcurrency(parse.GetValue(concurrency));
            CampaignOutcome.CheckMaxFailed(parse.GetValue(maxFailed));
            return CliContext.WithRuntimeAsync(parse, ct, async runtime =>
            {
                loaded = await LlmBackendOptions.ConfigureNewAsync(runtime, loaded, null, parse.GetValue(config), null, null, ct);
                await using var silo = await runtime.StartSiloAsync(parse.GetValue(concurrency), ct);
                var created = await silo.Launcher.CreateAsync(loaded, cancellationToken: ct);
                AnsiConsole.MarkupLineInterpolated($"Created campaign [bold]{created.Id}[/]: {CampaignText.Plan(loaded)}.");
                if (parse.GetValue(detach))
                {
                    return 0;
                }
                return await CampaignRunner.RunToEndAsync(runtime, silo, created.Id, !parse.GetValue(noProgress), parse.GetValue(maxFailed), ct);
            });
        }));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.StartCampaignAsync(client, parse.GetValue(spec)!, ct));
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<string?>("id") { Description = "Campaign id (default: the newest).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Show a campaign's progress and results.") { id };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var campaign = await FindAsync(runtime.Store, parse.GetValue(id), ct);
            var plan = CampaignPlan.Build(campaign.Spec);
            AnsiConsole.MarkupLineInterpolated($"[bold]{campaign.Id}[/] {campaign.Spec.Mode} — status [bold]{campaign.Status}[/], stage {Math.Min(campaign.Stage + 1, plan.Length)}/{plan.Length} ({(campaign.Stage < plan.Length ? plan[campaign.Stage].Kind : "done")}, {campaign.Step})");
            foreach (var stage in plan.Where(s => s.Index <= campaign.Stage))
            {
                var counts = await runtime.Store.CountEpisodesAsync(campaign.Id, stage.Index, ct);
                if (counts.Total == 0)
                {
                    continue;
                }
                AnsiConsole.MarkupLineInterpolated(
                    $"  {CampaignPlan.LabelFor(campaign.Spec, stage),-8} episodes {counts.Finished}/{counts.Total} (pending {counts.Pending}, running {counts.Running}, judged {counts.Completed}, evaluation failed {counts.EvaluationFailed}, failed {counts.Failed}, cancelled {counts.Cancelled})");
                var round = campaign.Rounds.FirstOrDefault(r => r.Round == stage.Index);
                if (round?.TrainingRequestId is { } requestId && await runtime.Store.GetTrainingRequestAsync(requestId, ct) is { } request)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"           training {request.Status}{(request.Progress is null ? "" : ": " + request.Progress)}{(request.PublishedVersion is { } v ? $" → v{v}" : "")}{(request.Error is null ? "" : " — " + request.Error)}");
                }
            }
            await CampaignUsageOutput.RenderAsync(runtime.Store, campaign, AnsiConsole.Console, ct);
            CampaignReport.Render(campaign, AnsiConsole.Console);
            return 0;
        })));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.CampaignStatusAsync(client, parse.GetValue(id), ct));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List campaigns, newest first.");
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "id", "name", "mode", "status", "stage", "rounds", "dataset", "created" })
            {
                table.AddColumn(column);
            }
            foreach (var c in await runtime.Store.ListCampaignsAsync(ct))
            {
                table.AddRow(
                    Markup.Escape(c.Id), Markup.Escape(c.Spec.Name), c.Spec.Mode.ToString(), c.Status.ToString(),
                    c.Stage.ToString(CultureInfo.InvariantCulture), c.Rounds.Length.ToString(CultureInfo.InvariantCulture),
                    c.DatasetVersionOrLegacy.ToString(CultureInfo.InvariantCulture),
                    c.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        })));
        ClusterMode.Branch(command, (client, _, ct) => ClusterCommands.ListCampaignsAsync(client, ct));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "Campaign id." };
        var command = new Command("cancel", "Cancel a campaign: its unfinished episodes are marked cancelled.") { id };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var campaign = await FindAsync(runtime.Store, parse.GetValue(id), ct);
            if (campaign.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled)
            {
                throw new UserFacingException($"Campaign {campaign.Id} already ended ({campaign.Status}).");
            }
            // The campaign's grain is its only writer: a silo starts (with no room to play episodes) for it to cancel.
            await using (var silo = await runtime.StartSiloAsync(maxConcurrentEpisodes: 1, ct))
            {
                await silo.Grains.GetGrain<ICampaignGrain>(campaign.Id).SetStatusAsync(CampaignStatus.Cancelled).WaitAsync(ct);
            }
            var counts = await runtime.Store.CountEpisodesAsync(campaign.Id, null, ct);
            AnsiConsole.MarkupLineInterpolated($"Cancelled campaign [bold]{campaign.Id}[/] ({counts.Cancelled} episodes cancelled).");
            return 0;
        })));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.CancelCampaignAsync(client, parse.GetValue(id)!, ct));
        return command;
    }

    public static async Task<CampaignRecord> FindAsync(ISotopiaStore store, string? id, CancellationToken ct)
    {
        if (id is null)
        {
            return (await store.ListCampaignsAsync(ct)).FirstOrDefault()
                ?? throw new UserFacingException("There are no campaigns in this folder yet. Start one with 'sotopia run'.");
        }
        return await store.GetCampaignAsync(id, ct) ?? throw new UserFacingException($"Campaign '{id}' does not exist.");
    }
}
