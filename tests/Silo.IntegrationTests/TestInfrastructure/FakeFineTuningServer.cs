using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>A real HTTP server speaking OpenAI's files and fine-tuning REST API (the parts the trainer's
/// <c>openai</c> backend calls through the OpenAI SDK): upload a file, create / list / retrieve / cancel jobs,
/// list a job's events (newest first, paged by <c>after</c>), and a chat completion that only fine-tuned models
/// produced here (or <see cref="BaseModels"/>) answer. A job moves queued → running (one metrics event per poll)
/// → succeeded (or failed with <see cref="FailWith"/>) after <see cref="PollsToFinish"/> retrievals.</summary>
public sealed class FakeFineTuningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly List<Job> _jobs = [];
    private readonly List<Event> _events = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly TaskCompletionSource<string> _firstJobCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _clock = 1_700_000_000;

    private FakeFineTuningServer(WebApplication app, string apiKey)
    {
        _app = app;
        _apiKey = apiKey;
    }

    /// <summary>The API base address to configure (ends with <c>/v1</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>How many retrievals of a job it takes to finish (the first makes it running).</summary>
    public int PollsToFinish { get; set; } = 3;

    /// <summary>When set, jobs fail with this error message instead of succeeding.</summary>
    public string? FailWith { get; set; }

    /// <summary>Models a chat completion may name besides fine-tuned ones made here.</summary>
    public HashSet<string> BaseModels { get; } = new(StringComparer.Ordinal) { "gpt-4o-mini-2024-07-18" };

    /// <summary>Completes with the job id when the first job is created.</summary>
    public Task<string> FirstJobCreated => _firstJobCreated.Task;

    /// <summary>"METHOD /path" of every request received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Every Authorization header value that was not the expected key (must stay empty).</summary>
    public ConcurrentQueue<string> RejectedKeys { get; } = new();

    public IReadOnlyList<byte[]> UploadedFiles
    {
        get
        {
            lock (_gate)
            {
                return [.. _files.Values];
            }
        }
    }

    public IReadOnlyList<JsonObject> CreatedJobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs.Select(j => (JsonObject)j.Request.DeepClone())];
            }
        }
    }

    public static async Task<FakeFineTuningServer> StartAsync(string apiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeFineTuningServer(app, apiKey);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            _requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            if (context.Request.Headers.Authorization.ToString() != "Bearer " + _apiKey)
            {
                RejectedKeys.Enqueue(context.Request.Headers.Authorization.ToString());
                await Error(context, 401, "Incorrect API key provided.", "invalid_api_key");
                return;
            }
            await next(context);
        });
        app.MapPost("/v1/files", (Func<HttpContext, Task<IResult>>)UploadAsync);
        app.MapPost("/v1/fine_tuning/jobs", (Func<HttpContext, Task<IResult>>)CreateJobAsync);
        app.MapGet("/v1/fine_tuning/jobs", ListJobs);
        app.MapGet("/v1/fine_tuning/jobs/{id}", RetrieveJob);
        app.MapPost("/v1/fine_tuning/jobs/{id}/cancel", CancelJob);
        app.MapGet("/v1/fine_tuning/jobs/{id}/events", ListEvents);
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)ChatAsync);
    }

    private async Task<IResult> UploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["purpose"] != "fine-tune" || form.Files.GetFile("file") is not { } file)
        {
            return Results.Json(ErrorBody("Expected a file with purpose fine-tune.", "invalid_request"), statusCode: 400);
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        lock (_gate)
        {
            var id = $"file-{_files.Count + 1}";
            _files[id] = buffer.ToArray();
            return Results.Json(new JsonObject
            {
                ["object"] = "file",
                ["id"] = id,
                ["bytes"] = buffer.Length,
                ["created_at"] = Tick(),
                ["filename"] = file.FileName,
                ["purpose"] = "fine-tune",
                ["status"] = "processed",
            });
        }
    }

    private async Task<IResult> CreateJobAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        string id;
        lock (_gate)
        {
            var fileId = body["training_file"]?.GetValue<string>() ?? "";
            if (!_files.TryGetValue(fileId, out var content))
            {
                return Results.Json(ErrorBody($"File '{fileId}' does not exist.", "invalid_training_file", "training_file"), statusCode: 400);
            }
            var examples = Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            var epochs = body["method"]?["supervised"]?["hyperparameters"]?["n_epochs"]?.GetValue<int>() ?? 3;
            id = $"ftjob-{_jobs.Count + 1}";
            var job = new Job(id, body, Math.Max(1, examples * epochs), epochs, Tick());
            _jobs.Add(job);
            AddEvent(job, "info", $"Created fine-tuning job: {id}", null);
            AddEvent(job, "info", $"Validating training file: {fileId}", null);
            var result = Results.Json(Render(job));
            _firstJobCreated.TrySetResult(id);
            return result;
        }
    }

    private IResult ListJobs()
    {
        lock (_gate)
        {
            var data = new JsonArray([.. _jobs.AsEnumerable().Reverse().Select(j => (JsonNode)Render(j))]);
            return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false });
        }
    }

    private IResult RetrieveJob(string id)
    {
        lock (_gate)
        {
            if (_jobs.FirstOrDefault(j => j.Id == id) is not { } job)
            {
                return Results.Json(ErrorBody($"Job {id} not found.", "not_found"), statusCode: 404);
            }
            Advance(job);
            return Results.Json(Render(job));
        }
    }

    private IResult CancelJob(string id)
    {
        lock (_gate)
        {
            if (_jobs.FirstOrDefault(j => j.Id == id) is not { } job)
            {
                return Results.Json(ErrorBody($"Job {id} not found.", "not_found"), statusCode: 404);
            }
            if (job.Status is "queued" or "running" or "validating_files")
            {
                job.Status = "cancelled";
                job.FinishedAt = Tick();
                AddEvent(job, "info", "The job was cancelled.", null);
            }
            return Results.Json(Render(job));
        }
    }

    private IResult ListEvents(string id, string? after, int? limit)
    {
        lock (_gate)
        {
            var newestFirst = _events.Where(e => e.JobId == id).Reverse().ToList();
            if (after is not null)
            {
                newestFirst = [.. newestFirst.SkipWhile(e => e.Id != after).Skip(1)];
            }
            var page = newestFirst.Take(limit ?? 20).ToList();
            var data = new JsonArray([.. page.Select(e => (JsonNode)new JsonObject
            {
                ["object"] = "fine_tuning.job.event",
                ["id"] = e.Id,
                ["created_at"] = e.CreatedAt,
                ["level"] = e.Level,
                ["message"] = e.Message,
                ["data"] = e.Data?.DeepClone() ?? new JsonObject(),
                ["type"] = e.Data is null ? "message" : "metrics",
            })]);
            return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = newestFirst.Count > page.Count });
        }
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var model = body["model"]?.GetValue<string>() ?? "";
        bool known;
        lock (_gate)
        {
            known = BaseModels.Contains(model) || _jobs.Any(j => j.FineTunedModel == model);
        }
        if (!known)
        {
            return Results.Json(ErrorBody($"The model `{model}` does not exist or you do not have access to it.", "model_not_found"), statusCode: 404);
        }
        return Results.Json(new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = Tick(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Hello" },
                ["finish_reason"] = "length",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 8, ["completion_tokens"] = 1, ["total_tokens"] = 9 },
        });
    }

    /// <summary>One retrieval: queued → running → (one metrics event per retrieval) → finished.</summary>
    private void Advance(Job job)
    {
        if (job.Status is "succeeded" or "failed" or "cancelled")
        {
            return;
        }
        job.Polls++;
        if (job.Polls == 1)
        {
            job.Status = "running";
            AddEvent(job, "info", "Fine-tuning job started", null);
            return;
        }
        if (job.Polls < PollsToFinish)
        {
            var step = job.TotalSteps * (job.Polls - 1) / Math.Max(1, PollsToFinish - 1);
            var loss = Math.Round(2.0 / job.Polls, 4);
            AddEvent(job, "info", string.Create(CultureInfo.InvariantCulture, $"Step {step}/{job.TotalSteps}: training loss={loss}"),
                new JsonObject { ["step"] = step, ["total_steps"] = job.TotalSteps, ["train_loss"] = loss });
            return;
        }
        job.FinishedAt = Tick();
        if (FailWith is { } message)
        {
            job.Status = "failed";
            job.Error = ErrorObject(message, "invalid_training_file", "training_file");
            AddEvent(job, "error", $"The job failed due to an invalid training file. {message}", null);
            return;
        }
        AddEvent(job, "info", string.Create(CultureInfo.InvariantCulture, $"Step {job.TotalSteps}/{job.TotalSteps}: training loss=0.1"),
            new JsonObject { ["step"] = job.TotalSteps, ["total_steps"] = job.TotalSteps, ["train_loss"] = 0.1 });
        job.Status = "succeeded";
        job.FineTunedModel = $"ft:{job.Request["model"]!.GetValue<string>()}:sotopia:{job.Request["suffix"]?.GetValue<string>() ?? "model"}:{job.Id[6..]}x";
        job.TrainedTokens = job.TotalSteps * 100;
        AddEvent(job, "info", $"New fine-tuned model created: {job.FineTunedModel}", null);
        AddEvent(job, "info", "The job has successfully completed", null);
    }

    private JsonObject Render(Job job)
    {
        var hyper = new JsonObject { ["n_epochs"] = job.Epochs, ["batch_size"] = 1, ["learning_rate_multiplier"] = 1.0 };
        return new JsonObject
        {
            ["object"] = "fine_tuning.job",
            ["id"] = job.Id,
            ["model"] = job.Request["model"]?.DeepClone(),
            ["created_at"] = job.CreatedAt,
            ["finished_at"] = job.FinishedAt,
            ["fine_tuned_model"] = job.FineTunedModel,
            ["organization_id"] = "org-fake",
            ["result_files"] = new JsonArray(),
            ["status"] = job.Status,
            ["validation_file"] = null,
            ["training_file"] = job.Request["training_file"]?.DeepClone(),
            ["hyperparameters"] = hyper.DeepClone(),
            ["trained_tokens"] = job.TrainedTokens,
            ["error"] = job.Error?.DeepClone(),
            ["user_provided_suffix"] = job.Request["suffix"]?.DeepClone(),
            ["seed"] = job.Request["seed"]?.DeepClone() ?? 0,
            ["estimated_finish"] = null,
            ["integrations"] = new JsonArray(),
            ["metadata"] = job.Request["metadata"]?.DeepClone(),
            ["method"] = new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject { ["hyperparameters"] = hyper } },
        };
    }

    private void AddEvent(Job job, string level, string message, JsonObject? data) =>
        _events.Add(new Event($"ftevent-{_events.Count + 1}", job.Id, Tick(), level, message, data));

    private long Tick() => Interlocked.Increment(ref _clock);

    private static Task Error(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(ErrorBody(message, code));
    }

    private static JsonObject ErrorBody(string message, string code, string? param = null) =>
        new() { ["error"] = ErrorObject(message, code, param) };

    private static JsonObject ErrorObject(string message, string code, string? param) =>
        new() { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = code, ["param"] = param };

    private sealed class Job(string id, JsonObject request, int totalSteps, int epochs, long createdAt)
    {
        public string Id { get; } = id;
        public JsonObject Request { get; } = request;
        public int TotalSteps { get; } = totalSteps;
        public int Epochs { get; } = epochs;
        public long CreatedAt { get; } = createdAt;
        public string Status { get; set; } = "validating_files";
        public int Polls { get; set; }
        public long? FinishedAt { get; set; }
        public string? FineTunedModel { get; set; }
        public int? TrainedTokens { get; set; }
        public JsonObject? Error { get; set; }
    }

    private sealed record Event(string Id, string JobId, long CreatedAt, string Level, string Message, JsonObject? Data);
}
