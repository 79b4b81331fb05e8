using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A real HTTP server (BCL <see cref="HttpListener"/>) that behaves like vLLM's OpenAI-compatible
/// server with <c>--enable-lora</c> and <c>VLLM_ALLOW_RUNTIME_LORA_UPDATING=True</c>:
/// <c>POST /v1/load_lora_adapter</c> (200 plain text; 400 when the name is already loaded; 404 when the path holds
/// no adapter), <c>POST /v1/unload_lora_adapter</c>, <c>GET /v1/models</c> (base model + adapters, <c>root</c> =
/// path, <c>parent</c> = base) and <c>POST /v1/chat/completions</c> (answers for the base model and loaded
/// adapters, 404 otherwise). Without runtime LoRA updating the two adapter routes do not exist (404
/// <c>{"detail":"Not Found"}</c>, like FastAPI). <see cref="Behaviour"/> makes it misbehave the ways a publish
/// must catch.</summary>
public sealed class FakeVllmServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly bool _runtimeLoraUpdating;
    private readonly ConcurrentDictionary<string, string> _adapters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private int _adapterProbes;

    private FakeVllmServer(string baseModel, bool runtimeLoraUpdating)
    {
        BaseModel = baseModel;
        _runtimeLoraUpdating = runtimeLoraUpdating;
        var port = FreePorts.Next();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{port}";
        _loop = ServeAsync();
    }

    public string BaseModel { get; }

    /// <summary>The address to configure (no <c>/v1</c>).</summary>
    public string BaseUrl { get; }

    public FakeVllmBehaviour Behaviour { get; set; } = FakeVllmBehaviour.Serves;

    /// <summary>When set, after this many answered adapter calls the server forgets every runtime-loaded
    /// adapter (what a restarted vLLM does).</summary>
    public int? ForgetAdaptersAfterProbes { get; set; }

    /// <summary>Adapter name → path of the adapters it serves.</summary>
    public IReadOnlyDictionary<string, string> Adapters => _adapters;

    /// <summary>"METHOD /path [adapter]" of every request received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public void AddAdapter(string name, string path) => _adapters[name] = path;

    public static Task<FakeVllmServer> StartAsync(string baseModel = "mistralai/Mistral-7B-Instruct-v0.1", bool runtimeLoraUpdating = true) =>
        Task.FromResult(new FakeVllmServer(baseModel, runtimeLoraUpdating));

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
            var request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body.ToArray())!.AsObject();
            var reply = (context.Request.HttpMethod, context.Request.Url!.AbsolutePath) switch
            {
                ("POST", "/v1/load_lora_adapter") when _runtimeLoraUpdating => Load(request),
                ("POST", "/v1/unload_lora_adapter") when _runtimeLoraUpdating => Unload(request),
                ("GET", "/v1/models") => Models(),
                ("POST", "/v1/chat/completions") => Chat(request),
                var (method, path) => NotFound(method, path),
            };
            await reply.WriteAsync(context.Response);
        }
    }

    private Reply Load(JsonObject body)
    {
        var name = body["lora_name"]?.GetValue<string>();
        var path = body["lora_path"]?.GetValue<string>();
        _requests.Enqueue($"POST /v1/load_lora_adapter {name}");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(path))
        {
            return Error(400, "Both 'lora_name' and 'lora_path' must be provided.", "InvalidUserInput");
        }
        if (_adapters.ContainsKey(name))
        {
            return Error(400, $"The lora adapter '{name}' has already been loaded.", "InvalidUserInput");
        }
        if (!File.Exists(Path.Combine(path, "adapter_config.json")))
        {
            return Error(404, $"Loading lora {name} failed: No adapter found for {path}", "NotFoundError");
        }
        if (Behaviour != FakeVllmBehaviour.LoadsButDoesNotServe)
        {
            _adapters[name] = path;
        }
        return Reply.Text($"Success: LoRA adapter '{name}' added successfully.");
    }

    private Reply Unload(JsonObject body)
    {
        var name = body["lora_name"]?.GetValue<string>() ?? "";
        _requests.Enqueue($"POST /v1/unload_lora_adapter {name}");
        return _adapters.TryRemove(name, out _)
            ? Reply.Text($"Success: LoRA adapter '{name}' removed successfully.")
            : Error(404, $"The lora adapter '{name}' cannot be found.", "NotFoundError");
    }

    private Reply Models()
    {
        _requests.Enqueue("GET /v1/models");
        var data = new JsonArray(new JsonObject
        {
            ["id"] = BaseModel,
            ["object"] = "model",
            ["created"] = 1_700_000_000,
            ["owned_by"] = "vllm",
            ["root"] = BaseModel,
            ["parent"] = null,
            ["max_model_len"] = 4096,
        });
        foreach (var (name, path) in _adapters.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            data.Add(new JsonObject
            {
                ["id"] = name,
                ["object"] = "model",
                ["created"] = 1_700_000_000,
                ["owned_by"] = "vllm",
                ["root"] = path,
                ["parent"] = BaseModel,
                ["max_model_len"] = null,
            });
        }
        return Reply.Json(new JsonObject { ["object"] = "list", ["data"] = data });
    }

    private Reply Chat(JsonObject body)
    {
        var model = body["model"]?.GetValue<string>() ?? "";
        _requests.Enqueue($"POST /v1/chat/completions {model}");
        if (model != BaseModel && !_adapters.ContainsKey(model))
        {
            return Error(404, $"The model `{model}` does not exist.", "NotFoundError");
        }
        var answeredBy = model;
        if (model != BaseModel)
        {
            if (Behaviour == FakeVllmBehaviour.AnswersWithBaseModel)
            {
                answeredBy = BaseModel;
            }
            if (Interlocked.Increment(ref _adapterProbes) >= ForgetAdaptersAfterProbes)
            {
                _adapters.Clear();
            }
        }
        return Reply.Json(new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = answeredBy,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Hello" },
                ["finish_reason"] = "length",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 8, ["completion_tokens"] = 1, ["total_tokens"] = 9 },
        });
    }

    private Reply NotFound(string method, string path)
    {
        _requests.Enqueue($"{method} {path}");
        return Reply.Json(new JsonObject { ["detail"] = "Not Found" }, 404);
    }

    private static Reply Error(int status, string message, string type) =>
        Reply.Json(new JsonObject { ["object"] = "error", ["message"] = message, ["type"] = type, ["code"] = status }, status);


    private sealed record Reply(int Status, string ContentType, string Body)
    {
        public static Reply Json(JsonNode body, int status = 200) => new(status, "application/json", body.ToJsonString());

        public static Reply Text(string body) => new(200, "text/plain; charset=utf-8", body);

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
