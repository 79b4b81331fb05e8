using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The <c>openai</c> backend through the real OpenAI SDK against a fake files + fine-tuning server:
/// upload, job creation on the right base model, following status and events, publishing
/// <c>fine_tuned_model</c>, failures with the job's error, and resuming the same job after a takeover.</summary>
public sealed class OpenAiBackendTests : IAsyncLifetime
{
    private readonly string _keyVariable = "SOTOPIA_TEST_OPENAI_KEY_" + Guid.NewGuid().ToString("N");
    private readonly string _key = "sk-test-" + Guid.NewGuid().ToString("N");
    private FakeFineTuningServer _server = null!;
    private TrainerFixture _trainer = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_keyVariable, _key);
        _server = await FakeFineTuningServer.StartAsync(_key);
        _trainer = await TrainerFixture.CreateAsync(o =>
        {
            o.OpenAI.Endpoint = _server.BaseUrl;
            o.OpenAI.ApiKeyVariable = _keyVariable;
        });
    }

    public async Task DisposeAsync()
    {
        await _trainer.DisposeAsync();
        await _server.DisposeAsync();
        Environment.SetEnvironmentVariable(_keyVariable, null);
    }

    [Fact]
    public async Task ASucceedingJobIsFollowedToTheEndAndItsFineTunedModelPublished()
    {
        _server.PollsToFinish = 4;
        await _trainer.RequestAsync("r1", "openai", epochs: 2);

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        var job = Assert.Single(_server.CreatedJobs);
        Assert.Equal("gpt-4o-mini-2024-07-18", job["model"]!.GetValue<string>());
        Assert.Equal("file-1", job["training_file"]!.GetValue<string>());
        Assert.Equal(2, job["method"]!["supervised"]!["hyperparameters"]!["n_epochs"]!.GetValue<int>());
        Assert.Equal("r1", job["metadata"]!["sotopia_request"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetBytes(TrainerFixture.Dataset), Assert.Single(_server.UploadedFiles));

        var version = (await _trainer.Store.ListVersionsAsync("p")).Single(v => v.TrainingRequestId == "r1");
        Assert.Equal("ft:gpt-4o-mini-2024-07-18:sotopia:sotopia-pi:1x", version.Model);
        Assert.Equal(version.Version, (await _trainer.Store.GetActiveVersionAsync("p"))!.Version);
        Assert.Equal(version.Version, request.PublishedVersion);
        Assert.Equal(600, version.Metrics["trained_tokens"]);
        Assert.Equal(0.1, version.Metrics["final_loss"], 6);
        Assert.Equal("checkpoints/p/r1/openai-job.json", version.CheckpointPath);
        var record = JsonNode.Parse(await File.ReadAllTextAsync(_trainer.Artifacts.GetFullPath(version.CheckpointPath!)))!;
        Assert.Equal("ftjob-1", record["job_id"]!.GetValue<string>());
        Assert.Equal(version.Model, record["fine_tuned_model"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(_trainer.Artifacts.GetFullPath(version.CheckpointPath!))))), version.CheckpointHash);

        // Followed with retrievals and event listings, and the model was called once before and once after the publish.
        Assert.Equal(4, _server.Requests.Count(r => r == "GET /v1/fine_tuning/jobs/ftjob-1"));
        Assert.Contains("GET /v1/fine_tuning/jobs/ftjob-1/events", _server.Requests);
        Assert.Equal(2, _server.Requests.Count(r => r == "POST /v1/chat/completions"));
        Assert.Equal($"published p v{version.Version} ({version.Model})", request.Progress);
        var log = await File.ReadAllTextAsync(_trainer.Artifacts.GetFullPath("logs/training/p/r1.log"));
        Assert.Contains("Step 6/6: training loss=0.1", log, StringComparison.Ordinal);
        Assert.Contains("job ftjob-1: succeeded", log, StringComparison.Ordinal);
        Assert.Contains("New fine-tuned model created", log, StringComparison.Ordinal);

        // The key went to the server and nowhere else.
        Assert.Empty(_server.RejectedKeys);
        Assert.DoesNotContain(_key, log, StringComparison.Ordinal);
        Assert.DoesNotContain(_key, await File.ReadAllTextAsync(_trainer.Artifacts.GetFullPath(version.CheckpointPath!)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnSrRoundFineTunesThePreviousFineTunedModel()
    {
        var bc = await _trainer.Registry.PublishAsync(new PolicyVersion
        {
            PolicyName = "p", Version = 0, Kind = "bc", Model = "ft:gpt-4o-mini-2024-07-18:sotopia:sotopia-pi:bc1", ParentVersion = 0, TrainingRequestId = "bc",
        });
        _server.BaseModels.Add(bc.Model);
        await _trainer.RequestAsync("sr1", "openai", baseVersion: bc.Version);

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Equal(bc.Model, Assert.Single(_server.CreatedJobs)["model"]!.GetValue<string>());
        var sr = await _trainer.Store.GetVersionAsync("p", request.PublishedVersion!.Value);
        Assert.Equal(bc.Version, sr!.ParentVersion);
        Assert.StartsWith($"ft:{bc.Model}:", sr.Model, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedJobFailsTheRequestWithTheJobsErrorAndPublishesNothing()
    {
        _server.FailWith = "Training file has 3 examples; at least 10 are required.";
        await _trainer.RequestAsync("r2", "openai", options: ImmutableDictionary<string, string>.Empty.Add("base_model", "gpt-4.1-mini-2025-04-14"));

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Equal(
            "OpenAI fine-tuning job ftjob-1 failed: Training file has 3 examples; at least 10 are required. (code invalid_training_file, param training_file)",
            request.Error);
        Assert.Equal("gpt-4.1-mini-2025-04-14", Assert.Single(_server.CreatedJobs)["model"]!.GetValue<string>());
        Assert.Single(await _trainer.Store.ListVersionsAsync("p"));
        Assert.Equal(0, (await _trainer.Store.GetActiveVersionAsync("p"))!.Version);
    }

    [Fact]
    public async Task ATrainerThatTakesOverFollowsTheSameJobInsteadOfStartingAnother()
    {
        _server.PollsToFinish = 5;
        await _trainer.RequestAsync("r3", "openai");

        // The first trainer stops (SIGTERM) right after creating the job; the request is handed back.
        using (var stop = new CancellationTokenSource())
        {
            var first = _trainer.ProcessNextAsync(stop.Token);
            await _server.FirstJobCreated.WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            var (handedBack, outcome) = await first;
            Assert.Equal(Trainer.TrainerService.Outcome.Abandoned, outcome);
            Assert.Equal(TrainingStatus.Running, handedBack.Status);
        }

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Single(_server.CreatedJobs);
        Assert.Single(_server.UploadedFiles);
        Assert.Equal(2, (await _trainer.Store.GetLeaseAsync(LeaseKinds.Training, "r3"))!.Epoch);
        Assert.Single(await _trainer.Store.ListVersionsAsync("p"), v => v.TrainingRequestId == "r3");
    }

    [Fact]
    public async Task AMissingApiKeyFailsTheRequestNamingTheVariable()
    {
        Environment.SetEnvironmentVariable(_keyVariable, null);
        await _trainer.RequestAsync("r4", "openai");

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains(_keyVariable, request.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
