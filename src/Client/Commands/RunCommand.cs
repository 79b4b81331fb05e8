using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia run</c>: the main job. With no arguments, a whole SOTOPIA-π experiment offline on the
/// starter data: BC, two SR rounds, then base/BC/each SR round/expert evaluated against the partner on the
/// hard set, with a paper-style table at the end.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Working folder for this run (default: --home, i.e. ./.sotopia)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the unfinished campaign in the folder instead of starting one." };
        var specFile = new Option<string?>("--spec") { Description = "Campaign spec file (JSON or YAML); the options below override it." };
        var mode = new Option<string?>("--mode") { Description = "bc, sr, bc+sr (default) or eval." };
        var srRounds = new Option<int?>("--sr-rounds") { Description = "Self-reinforcement rounds (default 2)." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset folder or file (default: the starter dataset)." };
        var evalSet = new Option<string?>("--eval-set") { Description = "Named scenario set to evaluate on (default: hard); 'all' = every scenario of the dataset." };
        var seed = new Option<long?>("--seed") { Description = "Seed for everything random (default 42)." };
        var invert = new Option<bool>("--invert-filter") { Description = "Train on the WORST trajectories instead of the best (to see that the filter matters)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Episodes played at once.", DefaultValueFactory = _ => 256 };
        var noProgress = new Option<bool>("--no-progress") { Description = "Plain progress lines instead of live bars." };
        var maxFailed = CampaignOutcome.CreateMaxFailedOption();
        var campaignIdOption = new Option<string?>("--campaign-id") { Description = "Id for the new campaign (default: generated); with the same id and seed two runs play identical episodes." };
        Option<string?> backend = LlmBackendOptions.CreateBackend(), config = LlmBackendOptions.CreateConfig();
        Option<decimal?> budgetUsd = LlmBackendOptions.CreateBudgetUsd();
        Option<long?> budgetTokens = LlmBackendOptions.CreateBudgetTokens();

        var command = new Command("run", "Run an offline SOTOPIA-π experiment (BC + SR + evaluation) end to end.")
        {
            output, resume, specFile, mode, srRounds, dataset, evalSet, seed, invert, concurrency, noProgress, maxFailed, campaignIdOption,
            backend, config, budgetUsd, budgetTokens,
        };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            CliContext.RefuseCluster(parse);
            var home = parse.GetValue(output) ?? parse.GetValue(CliContext.Home)!;
            CampaignOutcome.CheckMaxFailed(parse.GetValue(maxFailed));
            // Everything that can be checked without a store is checked before the store folder is created.
            CampaignSpec? newSpec = null;
            if (parse.GetValue(resume))
            {
                if (!Directory.Exists(home))
                {
                    throw new UserFacingException($"There is no unfinished campaign in '{Path.GetFullPath(home)}' to resume.");
                }
            }
            else
            {
                newSpec = BuildSpec(parse, specFile, mode, srRounds, dataset, evalSet, seed, invert);
                CampaignPreflight.Check(newSpec, parse.GetValue(backend), parse.GetValue(config), parse.GetValue(budgetUsd), parse.GetValue(budgetTokens));
            }
            CampaignPreflight.CheckConcurrency(parse.GetValue(concurrency));
            await using var runtime = await EmbeddedRuntime.OpenAsync(home, ct);
            var campaigns = await runtime.Store.ListCampaignsAsync(ct);
            var unfinished = campaigns.FirstOrDefault(c => c.Status is CampaignStatus.Running or CampaignStatus.Paused);

            string campaignId;
            if (parse.GetValue(resume))
            {
                if (unfinished is null)
                {
                    throw new UserFacingException($"There is no unfinished campaign in '{runtime.Home}' to resume.");
                }
                campaignId = unfinished.Id;
                LlmBackendOptions.ConfigureResume(runtime, unfinished, parse.GetValue(config));
                await using var resumed = await runtime.StartSiloAsync(parse.GetValue(concurrency), ct);
                await LlmBackendOptions.RaiseBudgetAsync(runtime, resumed, unfinished, parse.GetValue(budgetUsd), parse.GetValue(budgetTokens), ct);
                if (unfinished.Status == CampaignStatus.Paused)
                {
                    await resumed.Grains.GetGrain<ICampaignGrain>(campaignId).SetStatusAsync(CampaignStatus.Running);
                }
                AnsiConsole.MarkupLineInterpolated($"Resuming campaign [bold]{campaignId}[/] in {runtime.Home}");
                return await CampaignRunner.RunToEndAsync(runtime, resumed, campaignId, !parse.GetValue(noProgress), parse.GetValue(maxFailed), ct);
            }
            else
            {
                if (unfinished is not null)
                {
                    throw new UserFacingException(
                        $"Campaign {unfinished.Id} in '{runtime.Home}' is unfinished. Continue it with 'sotopia run --resume --out {runtime.Home}', or start fresh with another --out folder.");
                }
                var spec = await LlmBackendOptions.ConfigureNewAsync(
                    runtime, newSpec!, parse.GetValue(backend), parse.GetValue(config), parse.GetValue(budgetUsd), parse.GetValue(budgetTokens), ct);
                await using var silo = await runtime.StartSiloAsync(parse.GetValue(concurrency), ct);
                var campaign = await silo.Launcher.CreateAsync(spec, parse.GetValue(campaignIdOption), ct);
                campaignId = campaign.Id;
                AnsiConsole.MarkupLineInterpolated(
                    $"Campaign [bold]{campaignId}[/]: {CampaignText.Plan(spec)}; dataset '{spec.Dataset}', seed {spec.Seed}. Store: {runtime.Home}");
                return await CampaignRunner.RunToEndAsync(runtime, silo, campaignId, !parse.GetValue(noProgress), parse.GetValue(maxFailed), ct);
            }
        }));
        return command;
    }

    private static CampaignSpec BuildSpec(
        ParseResult parse, Option<string?> specFile, Option<string?> mode, Option<int?> srRounds, Option<string?> dataset,
        Option<string?> evalSet, Option<long?> seed, Option<bool> invert)
    {
        var spec = parse.GetValue(specFile) is { } file ? SpecFile.Load(file) : new CampaignSpec { Name = "run" };
        if (parse.GetValue(mode) is { } m)
        {
            spec = spec with { Mode = ParseMode(m) };
        }
        if (parse.GetValue(srRounds) is { } r)
        {
            spec = spec with { SrRounds = r };
        }
        if (parse.GetValue(dataset) is { } d)
        {
            spec = spec with { Dataset = d };
        }
        if (parse.GetValue(evalSet) is { } e)
        {
            spec = spec with { EvaluationSet = e };
        }
        if (parse.GetValue(seed) is { } s)
        {
            spec = spec with { Seed = s };
        }
        if (parse.GetValue(invert))
        {
            spec = spec with { Filter = spec.Filter with { Invert = true } };
        }
        return spec;
    }

    public static CampaignMode ParseMode(string mode) => mode.Trim().ToLowerInvariant() switch
    {
        "bc" => CampaignMode.Bc,
        "sr" => CampaignMode.Sr,
        "bc+sr" or "bcsr" or "bc_sr" => CampaignMode.BcSr,
        "eval" => CampaignMode.Eval,
        _ => throw new UserFacingException($"--mode: '{mode}' is not one of bc, sr, bc+sr, eval."),
    };
}
