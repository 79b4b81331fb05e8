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
        var (runtime, observed) = await OpenAsync(home.Path);
        await using var _ = runtime;
        runtime.Backend = s => s.AddSotopiaLlmBackend(settings);

        // Generator: two new scenarios for the BC round.
        await runtime.Store.ImportDatasetAsync(StarterSetups.Data, "starter");
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
        var training = await RunAsync(runtime, observed, trainingSpec);

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
        var eval = await RunAsync(runtime, observed, LlmBackendOptions.Prepare(
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
        var (first, firstObserved) = await OpenAsync(home.Path);
        await using (var runtime = first)
        {
            var spec = await LlmBackendOptions.ConfigureNewAsync(runtime, new CampaignSpec { Name = "budget", Mode = CampaignMode.Eval, EvaluationPairsPerScenario = 1 },
                "llm", config, budgetUsd: null, budgetTokens: 20_000, CancellationToken.None);
            var paused = await RunAsync(runtime, firstObserved, spec);
            id = paused.Id;

            Assert.Equal(CampaignStatus.Paused, paused.Status);
            // The gate pauses before a call whose estimate (prompt + answer limit: at most ~10,000 tokens here) would
            // pass the budget, so the spending stays within it and ends less than one estimate short of it.
            var usage = await CampaignUsageCalculator.ComputeAsync(runtime.Store, id, paused.Spec.Budget);
            Assert.InRange(usage.TotalTokens, 10_001, 20_000);
            var counts = await runtime.Store.CountEpisodesAsync(id);
            Assert.True(counts.Finished < counts.Total, $"the paused campaign finished all its {counts.Total} episodes");
        }

        var (second, secondObserved) = await OpenAsync(home.Path);
        await using (var runtime = second)
        {
            var stored = (await runtime.Store.GetCampaignAsync(id))!;
            LlmBackendOptions.ConfigureResume(runtime, stored, config);
            await using var silo = await runtime.StartSiloAsync(64, CancellationToken.None);
            await LlmBackendOptions.RaiseBudgetAsync(runtime, silo, stored, budgetUsd: null, budgetTokens: 10_000_000, CancellationToken.None);
            await silo.Grains.GetGrain<ICampaignGrain>(id).SetStatusAsync(CampaignStatus.Running);
            var finished = await secondObserved.WaitForEndAsync(id, TimeSpan.FromMinutes(5));

            Assert.Equal(CampaignStatus.Completed, finished.Status);
            Assert.Equal(10_000_000, finished.Spec.Budget.MaxTokens);
            Assert.All(finished.Evaluations, e => Assert.Equal(20, e.Scores.N));
        }
    }

    private static async Task<(EmbeddedRuntime Runtime, ObservedStore Observed)> OpenAsync(string home)
    {
        ObservedStore? observed = null;
        var runtime = await EmbeddedRuntime.OpenAsync(home, CancellationToken.None, store => observed = new ObservedStore(store));
        return (runtime, observed!);
    }

    /// <summary>Starts the campaign on an in-process silo and returns it once it stopped running (ended or paused).</summary>
    private static async Task<CampaignRecord> RunAsync(EmbeddedRuntime runtime, ObservedStore observed, CampaignSpec spec)
    {
        await using var silo = await runtime.StartSiloAsync(64, CancellationToken.None);
        var id = (await silo.Launcher.CreateAsync(spec)).Id;
        return await observed.WaitForCampaignAsync(id, c => c.Status != CampaignStatus.Running, "no longer running", TimeSpan.FromMinutes(5));
    }
}
