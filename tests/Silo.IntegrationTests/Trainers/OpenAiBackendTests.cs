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
        Assert.DoesNotContain("GET /v1/fine_tuning/jobs", _server.Requests); // a fresh request looks for no earlier job
        Assert.Equal(["POST /v1/files", "POST /v1/fine_tuning/jobs"], _server.Requests.Take(2));
        Assert.Contains("GET /v1/fine_tuning/jobs/ftjob-1/events", _server.Requests);
        Assert.Equal(2, _server.Requests.Count(r => r == "POST /v1/chat/completions"));
        Assert.Equal($"published p v{version.Version}", request.Progress);
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
            Assert.Equal(TrainingStatus.Pending, handedBack.Status);
            Assert.StartsWith("handed back by t1: the trainer is stopping", handedBack.Progress, StringComparison.Ordinal);
        }

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Single(_server.CreatedJobs);
        Assert.Single(_server.UploadedFiles);
        Assert.Equal(2, request.Attempt);
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

    [Fact]
    public async Task AnEndpointWithoutTheJobListTrainsAFreshRequest()
    {
        // Servers that implement files and jobs but not the listing answered it with a bare 404; a fresh request
        // used to stop there ("HTTP 404 (: ) not found") before uploading anything.
        _server.Intercept = r => r == "GET /v1/fine_tuning/jobs" ? (404, "text/plain", "404 page not found") : null;
        await _trainer.RequestAsync("r5", "openai");

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Single(_server.UploadedFiles);
    }

    [Theory]
    [InlineData(60, "", "", "trainer.epochs: 60 is outside the range OpenAI accepts for n_epochs (1–50)")]
    [InlineData(0, "", "", "trainer.epochs: 0 is outside the range OpenAI accepts for n_epochs (1–50)")]
    [InlineData(3, "batch_size", "300", "trainer.options.batch_size: '300' must be an integer from 1 to 256 (OpenAI's range for batch_size)")]
    [InlineData(3, "learning_rate_multiplier", "0", "trainer.options.learning_rate_multiplier: '0' must be a number greater than 0")]
    [InlineData(3, "learning_rate_multiplier", "1e309", "trainer.options.learning_rate_multiplier: '1e309' must be a number greater than 0")]
    [InlineData(3, "suffix", "a-suffix-that-is-far-too-long-for-openai-which-allows-sixty-four-chars", "trainer.options.suffix: must be 1 to 64 characters (got 70)")]
    [InlineData(3, "n_epochs", "5", "trainer.options.n_epochs: not a parameter of the openai backend (it reads base_model, suffix, batch_size, learning_rate_multiplier)")]
    public async Task ParametersOpenAiDoesNotAcceptAreRefusedBeforeAnythingIsSent(int epochs, string option, string value, string problem)
    {
        var options = option.Length == 0 ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add(option, value);
        await _trainer.RequestAsync("r6", "openai", epochs: epochs, options: options);

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Equal($"The fine-tuning parameters are not valid for OpenAI, so nothing was sent: {problem}.", request.Error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task AFailedUploadNamesTheOperationTheUrlAndTheServersMessage()
    {
        _server.Intercept = r => r == "POST /v1/files"
            ? (400, "application/json", """{"error": {"message": "Invalid file format for Fine-Tuning API. Must be .jsonl", "type": "invalid_request_error", "param": null, "code": null}}""")
            : null;
        await _trainer.RequestAsync("r7", "openai");

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Equal(
            $"OpenAI upload of the training file datasets/c/r7.chat.jsonl (POST {_server.BaseUrl}/files) failed: HTTP 400: Invalid file format for Fine-Tuning API. Must be .jsonl",
            request.Error);
        Assert.Empty(_server.CreatedJobs);
    }

    [Fact]
    public async Task ARejectedJobNamesTheOperationTheUrlAndTheServersMessage()
    {
        await _trainer.RequestAsync("r8", "openai", options: ImmutableDictionary<string, string>.Empty.Add("base_model", "gpt-4o"));

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Equal(
            $"OpenAI creation of a fine-tuning job on gpt-4o (POST {_server.BaseUrl}/fine_tuning/jobs) failed: HTTP 400: Model gpt-4o is not available for fine-tuning or does not exist.",
            request.Error);
        Assert.Single(_server.UploadedFiles);
        Assert.Empty(_server.CreatedJobs);
    }

    [Fact]
    public async Task AServerErrorWithoutAnOpenAiBodyStillNamesTheOperationTheUrlAndTheBody()
    {
        _server.Intercept = r => r == "GET /v1/fine_tuning/jobs/ftjob-1" ? (404, "text/plain", "404 page not found") : null;
        await _trainer.RequestAsync("r9", "openai");

        var (request, _) = await _trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Equal($"OpenAI retrieval of fine-tuning job ftjob-1 (GET {_server.BaseUrl}/fine_tuning/jobs/ftjob-1) failed: HTTP 404: 404 page not found", request.Error);
        Assert.DoesNotContain(_key, request.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model": "gpt-4o-mini-2024-07-18", "training_file": "file-1", "n_epochs": 3}""", "Unrecognized request argument supplied: n_epochs")]
    [InlineData("""{"model": "gpt-4o-mini-2024-07-18", "training_file": "file-1", "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 51}}}}""", "Invalid n_epochs: 51. Must be 'auto' or an integer between 1 and 50.")]
    [InlineData("""{"model": "gpt-4o-mini-2024-07-18", "training_file": "file-1", "hyperparameters": {"n_epochs": 3}, "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}}}""", "Specifying both 'hyperparameters' and 'method' hyperparameters is not supported; use 'method'.")]
    [InlineData("""{"model": "gpt-4o-mini-2024-07-18", "training_file": "file-1", "method": {"type": "supervised", "supervised": {"hyperparameters": {"batch_size": 0}}}}""", "Invalid batch_size: 0. Must be 'auto' or an integer between 1 and 256.")]
    [InlineData("""{"model": "gpt-4o-mini-2024-07-18", "training_file": "file-9"}""", "File 'file-9' does not exist.")]
    public async Task TheFakeServerRejectsWhatOpenAiRejects(string body, string message)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", _key);
        using var upload = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" }, { new ByteArrayContent(Encoding.UTF8.GetBytes(TrainerFixture.Dataset)), "file", "d.jsonl" } };
        (await http.PostAsync($"{_server.BaseUrl}/files", upload)).EnsureSuccessStatusCode();

        using var response = await http.PostAsync($"{_server.BaseUrl}/fine_tuning/jobs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal((message, "invalid_request_error"), (error["message"]!.GetValue<string>(), error["type"]!.GetValue<string>()));
        Assert.Empty(_server.CreatedJobs);
    }
}
