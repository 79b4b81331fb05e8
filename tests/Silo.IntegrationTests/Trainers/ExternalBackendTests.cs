using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The <c>external</c> backend: a bash script stands in for the LoRA-SFT command, fake vLLM servers for
/// the model servers. A valid adapter is loaded into every server, proven to be served and published; an invalid
/// adapter, a failing command, a server that does not really serve the adapter, or one that loses it right after
/// the publish, each fail the request with a clear reason and leave the previous version active.</summary>
public sealed class ExternalBackendTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("sotopia-external");
    private FakeVllmServer _vllm1 = null!;
    private FakeVllmServer _vllm2 = null!;

    private string Record => _dir.Combine("args.txt");

    public async Task InitializeAsync()
    {
        _vllm1 = await FakeVllmServer.StartAsync();
        _vllm2 = await FakeVllmServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _vllm1.DisposeAsync();
        await _vllm2.DisposeAsync();
        _dir.Dispose();
    }

    private Task<TrainerFixture> TrainerAsync(string script, Action<ExternalTrainingOptions>? configure = null) =>
        TrainerFixture.CreateAsync(o =>
        {
            o.External.Command = "bash";
            o.External.Arguments =
            [
                AdapterScripts.Write(_dir.Combine($"train-{Guid.NewGuid():N}.sh"), script),
                "--dataset", "{dataset}", "--output", "{output}", "--base", "{base_model}", "--base-adapter", "{base_adapter}",
                "--lora-r", "{lora_r}", "--lora-alpha", "{lora_alpha}", "--lora-dropout", "{lora_dropout}", "--targets", "{target_modules}",
                "--lr", "{learning_rate}", "--scheduler", "{lr_scheduler}", "--epochs", "{epochs}", "--seed", "{seed}",
            ];
            o.External.Environment["RECORD"] = Record;
            o.External.VllmServers = [_vllm1.BaseUrl, _vllm2.BaseUrl];
            configure?.Invoke(o.External);
        });

    [Fact]
    public async Task AValidAdapterIsLoadedIntoEveryServerCheckedAndPublishedUnderItsName()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external", epochs: 2);

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        var version = await trainer.Store.GetVersionAsync("p", request.PublishedVersion!.Value);
        Assert.Equal("p-c-r0", version!.Model);
        Assert.Equal("adapters/p/c-r0", version.CheckpointPath);
        var folder = trainer.Artifacts.GetFullPath("adapters/p/c-r0");
        Assert.Equal(await DirectoryHash.ComputeAsync(folder, ["sotopia-adapter.json"]), version.CheckpointHash);
        Assert.Equal(8, version.Metrics["lora_r"]);
        Assert.Equal(32, version.Metrics["lora_alpha"]);
        Assert.Equal(5e-5, version.Metrics["learning_rate"]);
        Assert.Equal(version.Version, (await trainer.Store.GetActiveVersionAsync("p"))!.Version);
        foreach (var server in new[] { _vllm1, _vllm2 })
        {
            Assert.Equal(folder, server.Adapters["p-c-r0"]);
            // Loaded, listed and probed before the publish; listed and probed again after it.
            Assert.Equal(["POST /v1/load_lora_adapter p-c-r0", "GET /v1/models", "POST /v1/chat/completions p-c-r0", "GET /v1/models", "POST /v1/chat/completions p-c-r0"],
                server.Requests);
        }

        // The paper's hyper-parameters by default, the dataset and output paths, each as one argument.
        var args = await File.ReadAllLinesAsync(Record);
        Assert.Equal(trainer.Artifacts.GetFullPath("datasets/c/c-r0.chat.jsonl"), After(args, "--dataset"));
        Assert.Equal(folder, After(args, "--output"));
        Assert.Equal("mistralai/Mistral-7B-Instruct-v0.1", After(args, "--base"));
        Assert.Equal("", After(args, "--base-adapter"));
        Assert.Equal(("8", "32", "0.1", "q_proj,v_proj"), (After(args, "--lora-r"), After(args, "--lora-alpha"), After(args, "--lora-dropout"), After(args, "--targets")));
        Assert.Equal(("5E-05", "cosine", "2", "11"), (After(args, "--lr"), After(args, "--scheduler"), After(args, "--epochs"), After(args, "--seed")));

        var log = await File.ReadAllTextAsync(trainer.Artifacts.GetFullPath("logs/training/p/c-r0.log"));
        Assert.Contains("epoch 1/2: loss 1.25", log, StringComparison.Ordinal);
        Assert.Contains("{'loss': 0.61", log, StringComparison.Ordinal);
        Assert.Contains("exit code 0", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnSrRoundGetsTheBaseAdapterAndCampaignOptionsOverrideDefaultsWithoutShellInjection()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Valid, e => e.Arguments.AddRange(["--note", "{note}"]));
        await trainer.RequestAsync("c-r0", "external", options: ImmutableDictionary<string, string>.Empty.Add("note", "bc"));
        var (bc, _) = await trainer.ProcessNextAsync();
        Assert.True(bc.Status == TrainingStatus.Succeeded, $"BC ended {bc.Status}: {bc.Error}");
        var canary = _dir.Combine("pwned");
        var note = $"a b; touch {canary} $(touch {canary}) `touch {canary}`";
        await trainer.RequestAsync("c-r1", "external", baseVersion: bc.PublishedVersion!.Value,
            options: ImmutableDictionary<string, string>.Empty.Add("lora_r", "16").Add("learning_rate", "1e-4").Add("note", note));

        var (sr, _) = await trainer.ProcessNextAsync();

        Assert.True(sr.Status == TrainingStatus.Succeeded, $"request ended {sr.Status}: {sr.Error}");
        var args = await File.ReadAllLinesAsync(Record);
        Assert.Equal(trainer.Artifacts.GetFullPath("adapters/p/c-r0"), After(args, "--base-adapter"));
        Assert.Equal(("16", "1e-4"), (After(args, "--lora-r"), After(args, "--lr")));
        Assert.Equal(note, After(args, "--note"));
        Assert.False(File.Exists(canary), "a placeholder value was run as a shell command");
        Assert.True(_vllm1.Adapters.ContainsKey("p-c-r0") && _vllm1.Adapters.ContainsKey("p-c-r1"));
    }

    [Fact]
    public async Task AnOutputThatIsNotALoraAdapterFailsTheRequestNamingEveryProblem()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Invalid);
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.StartsWith($"The training command's output '{trainer.Artifacts.GetFullPath("adapters/p/c-r0")}' is not a LoRA adapter:", request.Error, StringComparison.Ordinal);
        Assert.Contains("'peft_type' must be \"LORA\" (got nothing)", request.Error, StringComparison.Ordinal);
        Assert.Contains("no weights: neither adapter_model.safetensors nor adapter_model.bin exists", request.Error, StringComparison.Ordinal);
        Assert.Empty(_vllm1.Requests);
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }

    [Fact]
    public async Task AFailingCommandFailsTheRequestWithItsExitCodeAndLastOutput()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Failing);
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains("exited with code 3", request.Error, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", request.Error, StringComparison.Ordinal);
        Assert.Contains("logs/training/p/c-r0.log", request.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatSaysItLoadedTheAdapterButDoesNotServeItFailsThePublish()
    {
        _vllm2.Behaviour = FakeVllmBehaviour.LoadsButDoesNotServe;
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains($"vLLM server {_vllm2.BaseUrl} does not list adapter 'p-c-r0'", request.Error, StringComparison.Ordinal);
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
        Assert.Equal(0, (await trainer.Store.GetActiveVersionAsync("p"))!.Version);
        // The server that did load it had it unloaded again.
        Assert.Empty(_vllm1.Adapters);
        Assert.Contains("POST /v1/unload_lora_adapter p-c-r0", _vllm1.Requests);
    }

    [Fact]
    public async Task AServerAnsweringAdapterCallsWithTheBaseModelFailsThePublish()
    {
        _vllm1.Behaviour = FakeVllmBehaviour.AnswersWithBaseModel;
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains("was answered by model 'mistralai/Mistral-7B-Instruct-v0.1'", request.Error, StringComparison.Ordinal);
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }

    [Fact]
    public async Task APublishThatDidNotTakeEffectIsRolledBack()
    {
        _vllm1.ForgetAdaptersAfterProbes = 1;
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external");

        var (request, outcome) = await trainer.ProcessNextAsync();

        Assert.Equal(Trainer.TrainerService.Outcome.Failed, outcome);
        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Null(request.PublishedVersion);
        Assert.StartsWith("p v1 (p-c-r0) was published but did not take effect:", request.Error, StringComparison.Ordinal);
        Assert.EndsWith("Rolled back: v0 is active again.", request.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await trainer.Store.GetActiveVersionAsync("p"))!.Version);
    }

    [Fact]
    public async Task ATrainerTakingOverAfterThePublishStillChecksItTookEffect()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external");
        // The previous owner published v1 and died before its check; no server serves the adapter.
        await trainer.Registry.PublishAsync(new PolicyVersion
        {
            PolicyName = "p", Version = 0, Kind = "bc", Model = "p-c-r0", ParentVersion = 0, CheckpointPath = "adapters/p/c-r0", TrainingRequestId = "c-r0",
        });

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.StartsWith("p v1 (p-c-r0) was published but did not take effect: vLLM server", request.Error, StringComparison.Ordinal);
        Assert.EndsWith("Rolled back: v0 is active again.", request.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await trainer.Store.GetActiveVersionAsync("p"))!.Version);
        Assert.False(File.Exists(Record), "the command must not run for a request that already published");
    }

    [Fact]
    public async Task AServerWithoutRuntimeLoraUpdatingIsReportedWithTheFix()
    {
        await using var plain = await FakeVllmServer.StartAsync(runtimeLoraUpdating: false);
        await using var trainer = await TrainerAsync(AdapterScripts.Valid, e => e.VllmServers = [plain.BaseUrl]);
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains("VLLM_ALLOW_RUNTIME_LORA_UPDATING=True", request.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdapterAlreadyTrainedAndLoadedForTheRequestIsReusedNotTrainedAgain()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Valid);
        await trainer.RequestAsync("c-r0", "external");
        var taken = (await trainer.TakeAsync("dead"))!;
        var context = new Trainer.Backends.TrainingContext(taken.Request, (await trainer.Store.GetVersionAsync("p", 0))!,
            new Progress<string>(), (_, _) => Task.CompletedTask);
        var backend = trainer.Services.GetServices<Trainer.Backends.ITrainingBackend>().Single(b => b.Name == "external");
        await backend.TrainAsync(context, CancellationToken.None);
        File.Delete(Record);
        await trainer.Queue.ReleaseAsync(taken.Ticket, "the trainer died");

        // The trainer that trained and loaded it died before publishing; the next one takes the request over.
        var (request, _) = await trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.False(File.Exists(Record), "the command ran again although a validated adapter was there");
        Assert.Equal(2, _vllm1.Requests.Count(r => r == "POST /v1/load_lora_adapter p-c-r0"));
        Assert.Equal(trainer.Artifacts.GetFullPath("adapters/p/c-r0"), _vllm1.Adapters["p-c-r0"]);
    }

    [Fact]
    public async Task OldAdaptersAreUnloadedAfterAPublishUnlessActivePinnedOrNeededByARunningCampaign()
    {
        await using var trainer = await TrainerAsync(AdapterScripts.Valid, e => e.KeepLoadedVersions = 1);
        await trainer.Store.SaveCampaignAsync(new CampaignRecord { Id = "old", Spec = new CampaignSpec() });
        await trainer.Store.SaveCampaignAsync(new CampaignRecord { Id = "live", Spec = new CampaignSpec() });
        foreach (var (name, campaign) in new[] { ("a1", "old"), ("a2", "old"), ("a3", "live") })
        {
            await trainer.Registry.PublishAsync(new PolicyVersion
            {
                PolicyName = "p", Version = 0, Kind = "sr", Model = name, CheckpointPath = $"adapters/p/{name}", TrainingRequestId = name, CampaignId = campaign,
            });
            _vllm1.AddAdapter(name, $"/served/{name}");
            _vllm2.AddAdapter(name, $"/served/{name}");
        }
        // A pending episode of the finished campaign still pins v1 (a1).
        await trainer.Store.CreateEpisodesAsync([new EpisodeRecord
        {
            Id = "e1", CampaignId = "old", Round = 0, Phase = "eval", TaskId = "t", ScenarioId = "s", Agent1Id = "x", Agent2Id = "y", Seed = 1,
            Seats = [new SeatBinding(AgentRoles.Policy, "p", 1, "a1"), new SeatBinding(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner")],
        }]);
        var old = (await trainer.Store.GetCampaignAsync("old"))!;
        Assert.True(await trainer.Store.SaveCampaignAsync(old with { Status = CampaignStatus.Completed, Revision = old.Revision + 1 }));
        await trainer.RequestAsync("c-r0", "external");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        foreach (var server in new[] { _vllm1, _vllm2 })
        {
            Assert.Equal(["a1", "a3", "p-c-r0"], server.Adapters.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["POST /v1/unload_lora_adapter a2"], server.Requests.Where(r => r.Contains("unload", StringComparison.Ordinal)));
        }
    }

    private static string After(string[] args, string flag) => args[Array.IndexOf(args, flag) + 1];
}
