using SotopiaPi.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Client.Commands;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>Whole campaigns with every role on the fake server, hosted exactly as <c>sotopia run --backend llm</c>
/// hosts them: task generation, a BC + SR + eval campaign (which stops after BC's filtering and export, because the
/// openai trainer backend has no key here), a full evaluation campaign, and a budget that pauses a campaign.</summary>
public sealed class LlmCampaignTests
{
    [Fact]
    public async Task EveryRoleRunsOnTheFakeServerThroughGenerationTrainingRoundsAndEvaluation()
    {
        using var home = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(FakeModels.Respond);
        var settings = LlmTestSettings.For(server.BaseUrl);
        await using var runtime = await EmbeddedRuntime.OpenAsync(home.Path, CancellationToken.None);
        runtime.Backend = s => s.AddSotopiaLlmBackend(settings);

        // Generator: two new scenarios for the BC round.
        await runtime.Store.ImportDatasetAsync(StarterSetups.Data);
        TaskGenerationReport generated;
        await using (var services = runtime.BuildServices())
        {
            generated = await services.GetRequiredService<LlmTaskGenerator>().GenerateAsync(new TaskGenerationRequest
            {
                Count = 2,
                Inspirations = [new("sharing a car ride", "social_iqa", "k", 1), new("a late rent payment", "social_chemistry", "k", 2)],
                PairsPerScenario = 2,
            }, runtime.Store);
        }
        Assert.Equal(2, generated.Generated.Length);
        // The documented way to train on them: export the store and run on the exported dataset.
        var exported = home.Combine("dataset");
        SotopiaDataExporter.Write(await runtime.Store.LoadDatasetAsync(), exported);

        // BC + 1 SR + eval: expert and judge play BC; the round trains through the openai trainer backend, which has
        // no OpenAI key here (the fake chat server does not fine-tune), so the campaign stops there, saying why.
        var trainingSpec = LlmBackendOptions.Prepare(new CampaignSpec
        {
            Name = "llm-bc-sr",
            Mode = CampaignMode.BcSr,
            Dataset = exported,
            SrRounds = 1,
            RoundScenarioSets = ["generated"],
            PairsPerScenario = 2,
            EvaluationPairsPerScenario = 1,
        }, settings, null, null);
        var training = await RunAsync(runtime, trainingSpec);

        Assert.Equal(CampaignStatus.Failed, training.Status);
        Assert.Contains("No OpenAI API key", training.Error);
        var bc = Assert.Single(training.Rounds);
        Assert.Equal(("bc", 2, 4, 4), (bc.Phase, bc.Scenarios, bc.Episodes, bc.Completed));
        Assert.True(bc.TrainingExamples > 0);
        var stored = (await runtime.Store.LoadDatasetAsync()).Scenarios.Where(s => s.Provenance is not null).ToList();
        Assert.Equal(generated.Generated.Select(g => (g.Id, g.Provenance)), stored.Select(s => (s.Id, s.Provenance)));
        var request = await runtime.Store.GetTrainingRequestAsync(bc.TrainingRequestId!);
        Assert.True(runtime.Artifacts.Exists(request!.DatasetPath), $"the round's SFT data {request.DatasetPath} was not exported");
        foreach (var episode in await runtime.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = training.Id }))
        {
            Assert.Contains(episode.ScenarioId, generated.Generated.Select(g => g.Id));
            var turns = await runtime.Store.GetTurnsAsync(episode.Id);
            Assert.All(turns, t => Assert.Equal("gpt-4.1", t.Usage?.Model));
            Assert.Equal("gpt-4o", episode.Outcome!.Usage!.Model);
            Assert.Equal("gpt-4o", episode.Outcome.Evaluation!.JudgeModel);
        }

        // A full evaluation: π-agent (base version) and expert against the partner on the hard set, all judged.
        var eval = await RunAsync(runtime, LlmBackendOptions.Prepare(
            new CampaignSpec { Name = "llm-eval", Mode = CampaignMode.Eval, EvaluationPairsPerScenario = 1 }, settings, null, null));

        Assert.Equal(CampaignStatus.Completed, eval.Status);
        Assert.Equal(["v0", "expert"], eval.Evaluations.Select(e => e.Label));
        Assert.All(eval.Evaluations, e => Assert.Equal((20, 0, 20), (e.Episodes, e.EvaluationFailed, e.Scores.N)));
        var models = server.Requests.GroupBy(r => (r.Model, r.SchemaName)).Select(g => g.Key).ToHashSet();
        Assert.Superset(new HashSet<(string, string?)>
        {
            ("gpt-4.1", "sotopia_task"), ("gpt-4.1", "sotopia_action"), ("gpt-4.1-nano-2025-04-14", "sotopia_action"),
            ("gpt-4o-mini", "sotopia_action"), ("gpt-4o", "sotopia_evaluation"),
        }, models);
        var usage = await CampaignUsageCalculator.ComputeAsync(runtime.Store, eval.Id, eval.Spec.Budget);
        Assert.Equal(["gpt-4.1", "gpt-4.1-nano-2025-04-14", "gpt-4o", "gpt-4o-mini"], usage.ByModel.Select(m => m.Model));
        Assert.Empty(usage.UnpricedModels);
        Assert.True(usage.CachedTokens > 0 && usage.CostUsd > 0, $"usage {usage}");
    }

    [Fact]
    public async Task ReachingTheBudgetPausesTheCampaignAndARaisedBudgetFinishesIt()
    {
        using var home = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(FakeModels.Respond);
        var config = home.Combine("llm.yaml");
        File.WriteAllText(config, $"""
            defaults:
              base_url: {server.BaseUrl}
              api_key_env: {LlmTestSettings.KeyVariable}
            retry:
              base_delay: 10ms
            budget_poll_interval: 50ms
            """);
        string id;
        await using (var runtime = await EmbeddedRuntime.OpenAsync(home.Path, CancellationToken.None))
        {
            var spec = await LlmBackendOptions.ConfigureNewAsync(runtime, new CampaignSpec { Name = "budget", Mode = CampaignMode.Eval, EvaluationPairsPerScenario = 1 },
                "llm", config, budgetUsd: null, budgetTokens: 20_000, CancellationToken.None);
            var paused = await RunAsync(runtime, spec);
            id = paused.Id;

            Assert.Equal(CampaignStatus.Paused, paused.Status);
            var usage = await CampaignUsageCalculator.ComputeAsync(runtime.Store, id, paused.Spec.Budget);
            Assert.StartsWith("token budget reached", usage.ExceededLimit(paused.Spec.Budget));
            var counts = await runtime.Store.CountEpisodesAsync(id);
            Assert.True(counts.Finished < counts.Total, $"the paused campaign finished all its {counts.Total} episodes");
        }

        await using (var runtime = await EmbeddedRuntime.OpenAsync(home.Path, CancellationToken.None))
        {
            await runtime.ReclaimOrphanedLeasesAsync(CancellationToken.None);
            await runtime.Store.SetCampaignStatusAsync(id, CampaignStatus.Running);
            await LlmBackendOptions.ConfigureResumeAsync(runtime, id, config, budgetUsd: null, budgetTokens: 10_000_000, CancellationToken.None);
            var finished = await WatchAsync(runtime, id);

            Assert.Equal(CampaignStatus.Completed, finished.Status);
            Assert.Equal(10_000_000, finished.Spec.Budget.MaxTokens);
            Assert.All(finished.Evaluations, e => Assert.Equal(20, e.Scores.N));
        }
    }

    private static async Task<CampaignRecord> RunAsync(EmbeddedRuntime runtime, CampaignSpec spec)
    {
        string id;
        await using (var services = runtime.BuildServices())
        {
            id = (await services.GetRequiredService<CampaignLauncher>().CreateAsync(spec)).Id;
        }
        return await WatchAsync(runtime, id);
    }

    private static async Task<CampaignRecord> WatchAsync(EmbeddedRuntime runtime, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var host = runtime.BuildHost(64);
        await host.StartAsync(timeout.Token);
        try
        {
            while (true)
            {
                var campaign = await runtime.Store.GetCampaignAsync(id, timeout.Token);
                if (campaign!.Status is not CampaignStatus.Running)
                {
                    return campaign;
                }
                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var campaign = await runtime.Store.GetCampaignAsync(id, CancellationToken.None);
            throw new TimeoutException($"Campaign {id} did not finish within 5 minutes: stage {campaign?.Stage}, step {campaign?.Step}, status {campaign?.Status}. Log: {runtime.LogPath}");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
