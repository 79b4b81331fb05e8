using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>A real HTTP server that behaves like vLLM's OpenAI-compatible server with
/// <c>--enable-lora</c> and <c>VLLM_ALLOW_RUNTIME_LORA_UPDATING=True</c>: <c>POST /v1/load_lora_adapter</c>
/// (200 plain text; 400 when the name is already loaded; 404 when the path holds no adapter),
/// <c>POST /v1/unload_lora_adapter</c>, <c>GET /v1/models</c> (base model + adapters, <c>root</c> = path,
/// <c>parent</c> = base) and <c>POST /v1/chat/completions</c> (answers for the base model and loaded adapters,
/// 404 otherwise). <see cref="Behaviour"/> makes it misbehave the ways a publish must catch.</summary>
public sealed class FakeVllmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _adapters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private int _adapterProbes;

    private FakeVllmServer(WebApplication app, string baseModel)
    {
        _app = app;
        BaseModel = baseModel;
    }

    public string BaseModel { get; }

    /// <summary>The address to configure (no <c>/v1</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    public FakeVllmBehaviour Behaviour { get; set; } = FakeVllmBehaviour.Serves;

    /// <summary>When set, after this many answered adapter calls the server forgets every runtime-loaded
    /// adapter (what a restarted vLLM does).</summary>
    public int? ForgetAdaptersAfterProbes { get; set; }

    /// <summary>Adapter name → path of the adapters it serves.</summary>
    public IReadOnlyDictionary<string, string> Adapters => _adapters;

    /// <summary>"METHOD /path [adapter]" of every request received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public void AddAdapter(string name, string path) => _adapters[name] = path;

    public static async Task<FakeVllmServer> StartAsync(string baseModel = "mistralai/Mistral-7B-Instruct-v0.1", bool runtimeLoraUpdating = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeVllmServer(app, baseModel);
        if (runtimeLoraUpdating)
        {
            app.MapPost("/v1/load_lora_adapter", (Func<HttpContext, Task<IResult>>)server.LoadAsync);
            app.MapPost("/v1/unload_lora_adapter", (Func<HttpContext, Task<IResult>>)server.UnloadAsync);
        }
        app.MapGet("/v1/models", server.Models);
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)server.ChatAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> LoadAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
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
        return Results.Text($"Success: LoRA adapter '{name}' added successfully.");
    }

    private async Task<IResult> UnloadAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var name = body["lora_name"]?.GetValue<string>() ?? "";
        _requests.Enqueue($"POST /v1/unload_lora_adapter {name}");
        return _adapters.TryRemove(name, out _)
            ? Results.Text($"Success: LoRA adapter '{name}' removed successfully.")
            : Error(404, $"The lora adapter '{name}' cannot be found.", "NotFoundError");
    }

    private IResult Models()
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
        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data });
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
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
        return Results.Json(new JsonObject
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

    private static IResult Error(int status, string message, string type) =>
        Results.Json(new JsonObject { ["object"] = "error", ["message"] = message, ["type"] = type, ["code"] = status }, statusCode: status);
}
