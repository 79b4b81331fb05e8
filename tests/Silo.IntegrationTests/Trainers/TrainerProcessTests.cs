using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Training;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The trainer as its own process (<c>dotnet SotopiaPi.Trainer.dll</c>, an Orleans client of a silo in this
/// process on the same SQLite file): a whole campaign completes with all training done by the separate process; a
/// trainer killed with SIGKILL mid-request is dropped by the training queue and another trains again and publishes
/// exactly once; SIGTERM hands the request back at once; bad command lines and settings exit with a message, not a
/// stack trace.</summary>
public sealed class TrainerProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ACampaignCompletesWithASiloInThisProcessAndTheTrainerAsASeparateProcess()
    {
        await using var fixture = await TrainerFixture.CreateAsync(gateway: true);
        var spec = new CampaignSpec
        {
            Name = "separate-trainer",
            Seed = 5,
            SrRounds = 1,
            ScenariosPerRound = 3,
            PairsPerScenario = 3,
            EvaluationPairsPerScenario = 1,
        };
        using var trainer = StartTrainer(fixture, null, "trainer-proc", "--backend", "embedded");
        var campaignId = (await fixture.Services.GetRequiredService<CampaignLauncher>().CreateAsync(spec, "sep")).Id;

        var campaign = await fixture.Store.WaitForCampaignAsync(campaignId, c => c.Status != CampaignStatus.Running,
            $"campaign {campaignId} to end (trainer output:\n{trainer.Output})", Timeout);

        Assert.True(campaign.Status == CampaignStatus.Completed, $"campaign {campaign.Status}: {campaign.Error}. Trainer output:\n{trainer.Output}");
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        foreach (var round in campaign.Rounds)
        {
            var request = (await fixture.Store.GetTrainingRequestAsync(round.TrainingRequestId!))!;
            Assert.Equal(TrainingStatus.Succeeded, request.Status);
            Assert.Equal("trainer-proc", request.TrainerId);
            Assert.Contains($"Training request {request.Id} published {spec.PolicyName} version {request.PublishedVersion}", trainer.Output, StringComparison.Ordinal);
        }
        var versions = await fixture.Store.ListVersionsAsync(spec.PolicyName);
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
        // The queue drops a trainer it has not heard from for 2 s (trainers renew every 200 ms).
        await using var fixture = await TrainerFixture.CreateAsync(gateway: true,
            queue: new TrainingQueueOptions { RenewInterval = TimeSpan.FromMilliseconds(200), TrainerLifetime = TimeSpan.FromSeconds(2) });
        var markers = Directory.CreateDirectory(fixture.Dir.Combine("markers")).FullName;
        var config = WriteExternalConfig(fixture, markers, vllm.BaseUrl);
        await fixture.RequestAsync("c-r0", "external");

        using (var first = StartTrainer(fixture, config, "trainer-a"))
        {
            await Within.WaitAsync(first.WhenOutputContainsAsync("Training request c-r0: started bash"), TimeSpan.FromMinutes(2),
                "the first trainer's command to start", () => first.Output);
            first.Kill();
        }
        File.WriteAllText(Path.Combine(markers, "go"), "");
        using var second = StartTrainer(fixture, config, "trainer-b");
        var request = await fixture.Store.WaitForTrainingAsync("c-r0", r => r.Status is TrainingStatus.Succeeded or TrainingStatus.Failed,
            "the second trainer to finish the request", TimeSpan.FromMinutes(2));

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request {request.Status}: {request.Error}\n{second.Output}");
        Assert.Equal(("trainer-b", 2), (request.TrainerId, request.Attempt));
        Assert.Contains("Training request c-r0: started bash", second.Output, StringComparison.Ordinal);
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
        await using var fixture = await TrainerFixture.CreateAsync(gateway: true);
        var markers = Directory.CreateDirectory(fixture.Dir.Combine("markers")).FullName;
        var config = WriteExternalConfig(fixture, markers, vllm.BaseUrl);
        await fixture.RequestAsync("c-r0", "external");

        using var trainer = StartTrainer(fixture, config, "trainer-a");
        var started = await Within.WaitAsync(trainer.WhenOutputContainsAsync("Training request c-r0: started bash (pid "), TimeSpan.FromMinutes(2),
            "the training command to start", () => trainer.Output);
        var commandPid = int.Parse(Regex.Match(trainer.Output, @"Training request c-r0: started bash \(pid (\d+)\)").Groups[1].Value, CultureInfo.InvariantCulture);
        trainer.Terminate();

        Assert.Equal(0, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Stopping: training request c-r0 handed back", trainer.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{commandPid}"), $"the training command (pid {commandPid}) outlived the trainer");
        var request = (await fixture.Store.GetTrainingRequestAsync("c-r0"))!;
        Assert.Equal(TrainingStatus.Pending, request.Status);
        // Handed back, not left until the queue stops hearing from the trainer: another trainer takes it at once.
        var next = await fixture.TakeAsync("trainer-b");
        Assert.Equal(("c-r0", 2), (next!.Request.Id, next.Ticket.Attempt));
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

    private static DotnetProcess StartTrainer(TrainerFixture fixture, string? config, string id, params string[] more) =>
        TrainerProcess.Start(null, [
            "--store", fixture.Dir.Combine("s.db"), "--artifacts", fixture.Artifacts.Root, "--id", id,
            "--Silo:GatewayPort", fixture.GatewayPort.ToString(CultureInfo.InvariantCulture), "--Trainer:RenewInterval", "00:00:00.200",
            .. config is null ? Array.Empty<string>() : ["--config", config], .. more]);

    private static string WriteExternalConfig(TrainerFixture fixture, string markers, string vllm)
    {
        var script = AdapterScripts.Write(fixture.Dir.Combine("train.sh"), AdapterScripts.Blocking);
        var config = new JsonObject
        {
            ["Trainer"] = new JsonObject
            {
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
}
