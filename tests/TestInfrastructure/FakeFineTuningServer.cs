using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A real HTTP server (BCL <see cref="HttpListener"/>) speaking OpenAI's files and fine-tuning REST API
/// (the parts the trainer's <c>openai</c> backend calls through the OpenAI SDK): upload a file (multipart),
/// create / list / retrieve / cancel jobs, list a job's events (newest first, paged by <c>after</c>), and a chat
/// completion that only fine-tuned models produced here (or <see cref="BaseModels"/>) answer. A job moves
/// queued → running (one metrics event per poll) → succeeded (or failed with <see cref="FailWith"/>) after
/// <see cref="PollsToFinish"/> retrievals. Requests are served one at a time. A job creation is checked as OpenAI
/// checks it, with OpenAI's error shape: only documented arguments (an unknown one is "Unrecognized request argument
/// supplied"), a fine-tunable model, an uploaded fine-tune file, <c>n_epochs</c> 1–50, <c>batch_size</c> 1–256,
/// <c>learning_rate_multiplier</c> &gt; 0 (or "auto"), not both the deprecated top-level <c>hyperparameters</c> and
/// the method's, <c>suffix</c> up to 64 characters, at most 16 metadata pairs (keys ≤ 64, values ≤ 512 characters).
/// <see cref="Intercept"/> replaces the answer to chosen requests (a server without an endpoint, a failing upload).</summary>
public sealed class FakeFineTuningServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly string _apiKey;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly List<Job> _jobs = [];
    private readonly List<Event> _events = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly TaskCompletionSource<string> _firstJobCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _clock = 1_700_000_000;

    private FakeFineTuningServer(string apiKey)
    {
        _apiKey = apiKey;
        var port = FreePorts.Next();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _loop = ServeAsync();
    }

    /// <summary>The API base address to configure (ends with <c>/v1</c>).</summary>
    public string BaseUrl { get; }

    /// <summary>How many retrievals of a job it takes to finish (the first makes it running).</summary>
    public int PollsToFinish { get; set; } = 3;

    /// <summary>When set, jobs fail with this error message instead of succeeding.</summary>
    public string? FailWith { get; set; }

    /// <summary>Models a chat completion may name besides fine-tuned ones made here.</summary>
    public HashSet<string> BaseModels { get; } = new(StringComparer.Ordinal) { "gpt-4o-mini-2024-07-18" };

    /// <summary>Models a job may fine-tune (OpenAI wants dated snapshots), besides fine-tuned (<c>ft:</c>) models of
    /// these.</summary>
    public HashSet<string> FineTunableModels { get; } = new(StringComparer.Ordinal)
    {
        "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14", "gpt-3.5-turbo-0125",
    };

    /// <summary>Given "METHOD /path", a reply to send instead of the API's: (status, content type, body), or null.</summary>
    public Func<string, (int Status, string ContentType, string Body)?>? Intercept { get; set; }

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

    public static Task<FakeFineTuningServer> StartAsync(string apiKey) => Task.FromResult(new FakeFineTuningServer(apiKey));

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop followed by Close makes the managed listener re-resolve its endpoint and can fail
        // with "address already in use" once the port was reused.
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            _requests.Enqueue($"{context.Request.HttpMethod} {path}");
            Reply reply;
            if (Intercept?.Invoke($"{context.Request.HttpMethod} {path}") is { } forced)
            {
                reply = new Reply(forced.Status, forced.ContentType, forced.Body);
            }
            else if (context.Request.Headers["Authorization"] != "Bearer " + _apiKey)
            {
                RejectedKeys.Enqueue(context.Request.Headers["Authorization"] ?? "");
                reply = Reply.Json(ErrorBody("Incorrect API key provided.", "invalid_api_key"), 401);
            }
            else
            {
                reply = Route(context.Request.HttpMethod, path, context.Request.QueryString, context.Request.ContentType ?? "", body.ToArray());
            }
            await reply.WriteAsync(context.Response);
        }
    }

    private Reply Route(string method, string path, System.Collections.Specialized.NameValueCollection query, string contentType, byte[] body)
    {
        var segments = path.Trim('/').Split('/');
        return (method, segments) switch
        {
            ("POST", ["v1", "files"]) => Upload(contentType, body),
            ("POST", ["v1", "fine_tuning", "jobs"]) => CreateJob(JsonNode.Parse(body)!.AsObject()),
            ("GET", ["v1", "fine_tuning", "jobs"]) => ListJobs(),
            ("GET", ["v1", "fine_tuning", "jobs", var id]) => RetrieveJob(id),
            ("POST", ["v1", "fine_tuning", "jobs", var id, "cancel"]) => CancelJob(id),
            ("GET", ["v1", "fine_tuning", "jobs", var id, "events"]) => ListEvents(id, query["after"],
                int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var limit) ? limit : null),
            ("POST", ["v1", "chat", "completions"]) => Chat(JsonNode.Parse(body)!.AsObject()),
            _ => Reply.Json(ErrorBody($"Invalid URL ({method} {path})", null), 404),
        };
    }

    private Reply Upload(string contentType, byte[] body)
    {
        var parts = MultipartParts(contentType, body);
        if (!parts.TryGetValue("purpose", out var purpose) || Encoding.UTF8.GetString(purpose.Content) != "fine-tune"
            || !parts.TryGetValue("file", out var file))
        {
            return Reply.Json(ErrorBody("Expected a file with purpose fine-tune.", "invalid_request"), 400);
        }
        lock (_gate)
        {
            var id = $"file-{_files.Count + 1}";
            _files[id] = file.Content;
            return Reply.Json(new JsonObject
            {
                ["object"] = "file",
                ["id"] = id,
                ["bytes"] = file.Content.Length,
                ["created_at"] = Tick(),
                ["filename"] = file.FileName,
                ["purpose"] = "fine-tune",
                ["status"] = "processed",
            });
        }
    }

    private static readonly string[] CreateJobArguments =
        ["model", "training_file", "hyperparameters", "suffix", "validation_file", "integrations", "seed", "method", "metadata"];

    private Reply CreateJob(JsonObject body)
    {
        string id;
        lock (_gate)
        {
            if (CheckCreateJob(body) is { } rejection)
            {
                return rejection;
            }
            var fileId = body["training_file"]!.GetValue<string>();
            var content = _files[fileId];
            var examples = Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            var epochs = body["method"]?["supervised"]?["hyperparameters"]?["n_epochs"] is JsonValue n && n.TryGetValue<int>(out var e) ? e : 3;
            id = $"ftjob-{_jobs.Count + 1}";
            var job = new Job(id, body, Math.Max(1, examples * epochs), epochs, Tick());
            _jobs.Add(job);
            AddEvent(job, "info", $"Created fine-tuning job: {id}", null);
            AddEvent(job, "info", $"Validating training file: {fileId}", null);
            var result = Reply.Json(Render(job));
            _firstJobCreated.TrySetResult(id);
            return result;
        }
    }

    /// <summary>What OpenAI refuses in a job creation (400 invalid_request_error), or null.</summary>
    private Reply? CheckCreateJob(JsonObject body)
    {
        static Reply Invalid(string message, string? param, string? code = null) =>
            Reply.Json(ErrorBody(message, code, param), 400);

        foreach (var (key, _) in body)
        {
            if (!CreateJobArguments.Contains(key))
            {
                return Invalid($"Unrecognized request argument supplied: {key}", null);
            }
        }
        var model = body["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
        if (model is null)
        {
            return Invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }
        // A fine-tuned model continues training when its base can be fine-tuned (OpenAI: one of the account's own).
        var fineTunable = FineTunableModels.Contains(model) || _jobs.Any(j => j.FineTunedModel == model)
            || (model.StartsWith("ft:", StringComparison.Ordinal) && FineTunableModels.Contains(model.Split(':')[1]));
        if (!fineTunable)
        {
            return Invalid($"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
        }
        var fileId = body["training_file"] is JsonValue f && f.TryGetValue<string>(out var file) ? file : null;
        if (fileId is null || !_files.ContainsKey(fileId))
        {
            return Invalid($"File '{fileId}' does not exist.", "training_file", "invalid_training_file");
        }
        var hyper = body["method"]?["supervised"]?["hyperparameters"] as JsonObject;
        if (body["method"] is JsonObject method && method["type"]?.GetValue<string>() is not ("supervised" or "dpo" or "reinforcement"))
        {
            return Invalid($"Invalid method type: '{method["type"]}'.", "method.type");
        }
        if (body["hyperparameters"] is JsonObject legacy)
        {
            if (hyper is not null)
            {
                return Invalid("Specifying both 'hyperparameters' and 'method' hyperparameters is not supported; use 'method'.", "hyperparameters");
            }
            hyper = legacy;
        }
        if (hyper is not null)
        {
            if (OutOfRange(hyper["n_epochs"], v => v is >= 1 and <= 50 && v == Math.Floor(v)))
            {
                return Invalid($"Invalid n_epochs: {hyper["n_epochs"]?.ToJsonString()}. Must be 'auto' or an integer between 1 and 50.", "hyperparameters.n_epochs");
            }
            if (OutOfRange(hyper["batch_size"], v => v is >= 1 and <= 256 && v == Math.Floor(v)))
            {
                return Invalid($"Invalid batch_size: {hyper["batch_size"]?.ToJsonString()}. Must be 'auto' or an integer between 1 and 256.", "hyperparameters.batch_size");
            }
            if (OutOfRange(hyper["learning_rate_multiplier"], v => v > 0))
            {
                return Invalid($"Invalid learning_rate_multiplier: {hyper["learning_rate_multiplier"]?.ToJsonString()}. Must be 'auto' or a number greater than 0.", "hyperparameters.learning_rate_multiplier");
            }
        }
        if (body["suffix"] is JsonValue sfx && sfx.GetValue<string>().Length > 64)
        {
            return Invalid("Invalid suffix: must be at most 64 characters.", "suffix");
        }
        if (body["metadata"] is JsonObject metadata
            && (metadata.Count > 16 || metadata.Any(p => p.Key.Length > 64 || (p.Value?.GetValue<string>().Length ?? 0) > 512)))
        {
            return Invalid("Invalid metadata: at most 16 pairs, keys up to 64 and values up to 512 characters.", "metadata");
        }
        return null;

        static bool OutOfRange(JsonNode? node, Func<double, bool> valid) => node switch
        {
            null => false,
            JsonValue v when v.TryGetValue<string>(out var text) => text != "auto",
            JsonValue v when v.TryGetValue<double>(out var number) => !valid(number),
            _ => true,
        };
    }

    private Reply ListJobs()
    {
        lock (_gate)
        {
            var data = new JsonArray([.. _jobs.AsEnumerable().Reverse().Select(j => (JsonNode)Render(j))]);
            return Reply.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false });
        }
    }

    private Reply RetrieveJob(string id)
    {
        lock (_gate)
        {
            if (_jobs.FirstOrDefault(j => j.Id == id) is not { } job)
            {
                return Reply.Json(ErrorBody($"Job {id} not found.", "not_found"), 404);
            }
            Advance(job);
            return Reply.Json(Render(job));
        }
    }

    private Reply CancelJob(string id)
    {
        lock (_gate)
        {
            if (_jobs.FirstOrDefault(j => j.Id == id) is not { } job)
            {
                return Reply.Json(ErrorBody($"Job {id} not found.", "not_found"), 404);
            }
            if (job.Status is "queued" or "running" or "validating_files")
            {
                job.Status = "cancelled";
                job.FinishedAt = Tick();
                AddEvent(job, "info", "The job was cancelled.", null);
            }
            return Reply.Json(Render(job));
        }
    }

    private Reply ListEvents(string id, string? after, int? limit)
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
            return Reply.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = newestFirst.Count > page.Count });
        }
    }

    private Reply Chat(JsonObject body)
    {
        var model = body["model"]?.GetValue<string>() ?? "";
        bool known;
        lock (_gate)
        {
            known = BaseModels.Contains(model) || _jobs.Any(j => j.FineTunedModel == model);
        }
        if (!known)
        {
            return Reply.Json(ErrorBody($"The model `{model}` does not exist or you do not have access to it.", "model_not_found"), 404);
        }
        return Reply.Json(new JsonObject
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

    /// <summary>The parts of a multipart/form-data body by field name.</summary>
    private static Dictionary<string, (string? FileName, byte[] Content)> MultipartParts(string contentType, byte[] body)
    {
        var parts = new Dictionary<string, (string? FileName, byte[] Content)>(StringComparer.Ordinal);
        var boundaryAt = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (boundaryAt < 0)
        {
            return parts;
        }
        var delimiter = Encoding.ASCII.GetBytes("--" + contentType[(boundaryAt + 9)..].Trim('"'));
        var position = IndexOf(body, delimiter, 0);
        while (position >= 0)
        {
            var headerStart = position + delimiter.Length + 2;
            var headerEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), headerStart);
            var next = IndexOf(body, delimiter, headerStart);
            if (headerEnd < 0 || next < 0)
            {
                break;
            }
            var headers = Encoding.UTF8.GetString(body, headerStart, headerEnd - headerStart);
            var content = body[(headerEnd + 4)..(next - 2)];
            var name = Attribute(headers, "name");
            if (name is not null)
            {
                parts[name] = (Attribute(headers, "filename"), content);
            }
            position = next;
        }
        return parts;

        static string? Attribute(string headers, string attribute)
        {
            foreach (var piece in headers.Split(';', StringSplitOptions.TrimEntries))
            {
                if (piece.StartsWith(attribute + "=", StringComparison.OrdinalIgnoreCase))
                {
                    return piece[(attribute.Length + 1)..].Split("\r\n")[0].Trim('"');
                }
            }
            return null;
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        var index = haystack.AsSpan(start).IndexOf(needle);
        return index < 0 ? -1 : start + index;
    }


    private static JsonObject ErrorBody(string message, string? code, string? param = null) =>
        new() { ["error"] = ErrorObject(message, code, param) };

    private static JsonObject ErrorObject(string message, string? code, string? param) =>
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

    private sealed record Reply(int Status, string ContentType, string Body)
    {
        public static Reply Json(JsonNode body, int status = 200) => new(status, "application/json", body.ToJsonString());

        public async Task WriteAsync(HttpListenerResponse response)
        {
            var bytes = Encoding.UTF8.GetBytes(Body);
            response.StatusCode = Status;
            response.ContentType = ContentType;
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
    }
}
