using SotopiaPi.Grains.Policies;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The trainer as its own process (<c>dotnet SotopiaPi.Trainer.dll</c>) on the same SQLite file as a
/// silo: a whole campaign completes with all training done by the separate process; a trainer killed with SIGKILL
/// mid-request is replaced by another that trains again and publishes exactly once; SIGTERM hands the request
/// back at once; bad command lines and settings exit with a message, not a stack trace.</summary>
public sealed class TrainerProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ACampaignCompletesWithASiloInThisProcessAndTheTrainerAsASeparateProcess()
    {
        using var dir = new TempDirectory("sotopia-separate");
        var db = dir.Combine("sotopia.db");
        var artifactsRoot = dir.Combine("artifacts");
        await using var store = await SqliteSotopiaStore.OpenAsync(db);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSotopiaStore(store, new FileArtifactStore(artifactsRoot));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSotopiaSimulatorBackend();
        builder.Services.AddSingleton<PolicyRegistryGrain>();
        builder.Services.AddSingleton<CampaignLauncher>();
        builder.Services.AddSotopiaSilo(o =>
        {
            o.SiloId = "silo-1";
            o.MaxConcurrentEpisodes = 64;
        });
        using var silo = builder.Build();
        var spec = new CampaignSpec
        {
            Name = "separate-trainer",
            Seed = 5,
            SrRounds = 1,
            ScenariosPerRound = 3,
            PairsPerScenario = 3,
            EvaluationPairsPerScenario = 1,
        };
        var campaignId = (await silo.Services.GetRequiredService<CampaignLauncher>().CreateAsync(spec, "sep")).Id;

        using var trainer = TrainerProcess.Start(null,
            "--store", db, "--artifacts", artifactsRoot, "--id", "trainer-proc", "--backend", "embedded", "--Trainer:PollInterval", "00:00:00.050");
        using var timeout = new CancellationTokenSource(Timeout);
        await silo.StartAsync(timeout.Token);
        CampaignRecord campaign;
        try
        {
            while ((campaign = (await store.GetCampaignAsync(campaignId, timeout.Token))!).Status == CampaignStatus.Running)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            campaign = (await store.GetCampaignAsync(campaignId, CancellationToken.None))!;
            Assert.Fail($"campaign still at stage {campaign.Stage}, step {campaign.Step} after {Timeout}. Trainer output:\n{trainer.Output}");
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }

        Assert.True(campaign.Status == CampaignStatus.Completed, $"campaign {campaign.Status}: {campaign.Error}. Trainer output:\n{trainer.Output}");
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        foreach (var round in campaign.Rounds)
        {
            var request = (await store.GetTrainingRequestAsync(round.TrainingRequestId!))!;
            Assert.Equal(TrainingStatus.Succeeded, request.Status);
            Assert.Equal("trainer-proc", (await store.GetLeaseAsync(LeaseKinds.Training, request.Id))!.Owner.Split('#')[0]);
            Assert.Contains($"Training request {request.Id} published {spec.PolicyName} version {request.PublishedVersion}", trainer.Output, StringComparison.Ordinal);
        }
        var versions = await store.ListVersionsAsync(spec.PolicyName);
        Assert.Equal([0, 1, 2], versions.Select(v => v.Version));
        Assert.Equal([null, 0, 1], versions.Select(v => v.ParentVersion));
        Assert.Equal(["base", "bc", "bc+sr1", "expert"], campaign.Evaluations.Select(e => e.Label));

        trainer.Terminate();
        Assert.Equal(0, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Trainer trainer-proc stopped", trainer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrainerKilledMidRequestIsReplacedAndTheVersionIsPublishedExactlyOnce()
    {
        await using var vllm = await FakeVllmServer.StartAsync();
        await using var fixture = await TrainerFixture.CreateAsync();
        var markers = Directory.CreateDirectory(fixture.Dir.Combine("markers")).FullName;
        var config = WriteExternalConfig(fixture, markers, vllm.BaseUrl);
        await fixture.RequestAsync("c-r0", "external");

        using (var first = StartTrainer(fixture, config, "trainer-a"))
        {
            await WaitForAsync(() => Directory.GetFiles(markers, "started.*").Length == 1, "the first trainer's command to start", first);
            first.Kill();
        }
        File.WriteAllText(Path.Combine(markers, "go"), "");
        using var second = StartTrainer(fixture, config, "trainer-b");
        await WaitForAsync(() => fixture.Store.GetTrainingRequestAsync("c-r0").Result!.Status is TrainingStatus.Succeeded or TrainingStatus.Failed,
            "the second trainer to finish the request", second);

        var request = (await fixture.Store.GetTrainingRequestAsync("c-r0"))!;
        Assert.True(request.Status == TrainingStatus.Succeeded, $"request {request.Status}: {request.Error}\n{second.Output}");
        Assert.Equal(2, Directory.GetFiles(markers, "started.*").Length);
        var lease = (await fixture.Store.GetLeaseAsync(LeaseKinds.Training, "c-r0"))!;
        Assert.Equal(("trainer-b", 2L), (lease.Owner.Split('#')[0], lease.Epoch));
        var published = Assert.Single(await fixture.Store.ListVersionsAsync("p"), v => v.TrainingRequestId == "c-r0");
        Assert.Equal(request.PublishedVersion, published.Version);
        Assert.Equal("p-c-r0", published.Model);
        Assert.Equal(["POST /v1/load_lora_adapter p-c-r0"], vllm.Requests.Where(r => r.StartsWith("POST /v1/load", StringComparison.Ordinal)));
        Assert.Equal(fixture.Artifacts.GetFullPath("adapters/p/c-r0"), vllm.Adapters["p-c-r0"]);
    }

    [Fact]
    public async Task SigtermHandsTheRequestBackAtOnceAndStopsTheTrainingCommand()
    {
        await using var vllm = await FakeVllmServer.StartAsync();
        await using var fixture = await TrainerFixture.CreateAsync();
        var markers = Directory.CreateDirectory(fixture.Dir.Combine("markers")).FullName;
        var config = WriteExternalConfig(fixture, markers, vllm.BaseUrl, lease: "00:05:00");
        await fixture.RequestAsync("c-r0", "external");

        using var trainer = StartTrainer(fixture, config, "trainer-a");
        await WaitForAsync(() => Directory.GetFiles(markers, "started.*").Length == 1, "the training command to start", trainer);
        var commandPid = int.Parse(Path.GetExtension(Directory.GetFiles(markers, "started.*")[0])[1..], System.Globalization.CultureInfo.InvariantCulture);
        trainer.Terminate();

        Assert.Equal(0, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Stopping: training request c-r0 handed back", trainer.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{commandPid}"), $"the training command (pid {commandPid}) outlived the trainer");
        var request = (await fixture.Store.GetTrainingRequestAsync("c-r0"))!;
        Assert.Equal(TrainingStatus.Running, request.Status);
        // Released, not left to expire in five minutes: another trainer takes it at once.
        var next = await fixture.Store.ClaimTrainingRequestAsync("trainer-b", TimeSpan.FromMinutes(1));
        Assert.Equal(("c-r0", 2L), (next!.Value.Request.Id, next.Value.Lease.Epoch));
    }

    [Fact]
    public async Task BadCommandLinesAndSettingsExitWithAMessage()
    {
        using var dir = new TempDirectory("sotopia-cli");
        var cases = new (string[] Args, int Exit, string Message)[]
        {
            ([], 2, "error: missing --store (or SOTOPIA_STORE) and --artifacts (or SOTOPIA_ARTIFACTS)."),
            (["--store", dir.Combine("s.db"), "--artifacts", dir.Combine("a"), "--frobnicate"], 2, "error: Unknown argument '--frobnicate'."),
            (["--store", "Host=127.0.0.1;Port=1;Database=sotopia;Password=hunter2;Timeout=2", "--artifacts", dir.Combine("a")], 1, "error: could not open the store (PostgreSQL "),
            (["--store", dir.Combine("s.db"), "--artifacts", dir.Combine("a"), "--backend", "embedded,gpu"], 2, "Trainer:Backends: 'gpu' is not a backend (known: embedded, openai, external)."),
            (["--store", dir.Combine("s.db"), "--artifacts", dir.Combine("a"), "--config", dir.Combine("missing.json")], 2, $"error: the config file '{dir.Combine("missing.json")}' does not exist."),
        };
        foreach (var (args, exit, message) in cases)
        {
            using var trainer = TrainerProcess.Start(null, args);
            var code = await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code == exit && trainer.Output.Contains(message, StringComparison.Ordinal),
                $"[{string.Join(' ', args)}] exited {code} (expected {exit}) with:\n{trainer.Output}");
            Assert.DoesNotContain("   at ", trainer.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", trainer.Output, StringComparison.Ordinal);
        }
    }

    private static DotnetProcess StartTrainer(TrainerFixture fixture, string config, string id) =>
        TrainerProcess.Start(null, "--store", fixture.Dir.Combine("s.db"), "--artifacts", fixture.Artifacts.Root, "--config", config, "--id", id);

    private static string WriteExternalConfig(TrainerFixture fixture, string markers, string vllm, string lease = "00:00:02")
    {
        var script = AdapterScripts.Write(fixture.Dir.Combine("train.sh"), AdapterScripts.Blocking);
        var config = new JsonObject
        {
            ["Trainer"] = new JsonObject
            {
                ["LeaseDuration"] = lease,
                ["HeartbeatInterval"] = "00:00:00.500",
                ["PollInterval"] = "00:00:00.050",
                ["Backends"] = new JsonArray("external"),
                ["External"] = new JsonObject
                {
                    ["Command"] = "bash",
                    ["Arguments"] = new JsonArray(script, "--dataset", "{dataset}", "--output", "{output}"),
                    ["Environment"] = new JsonObject { ["RECORD"] = fixture.Dir.Combine("args.txt"), ["MARKERS"] = markers },
                    ["VllmServers"] = new JsonArray(vllm),
                },
            },
        };
        var path = fixture.Dir.Combine("trainer.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, DotnetProcess trainer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}. Trainer output:\n{trainer.Output}");
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
