using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.TestInfrastructure;

/// <summary>An OpenAI-compatible chat-completions server on 127.0.0.1 (a free port, real HTTP), scripted per test:
/// queued replies are served first, in arrival order; then the responder decides. Records every request. Also
/// answers <c>GET /v1/models</c> (the endpoint check) with <see cref="ServedModels"/>, or <see cref="ModelsError"/>.</summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<FakeOpenAiReply> _queue = new();
    private readonly List<FakeOpenAiRequest> _requests = [];
    private readonly Lock _lock = new();
    private int _modelListings;
    private Func<FakeOpenAiRequest, FakeOpenAiReply> _responder = _ => FakeOpenAiReply.Answer("""{"action_type": "none", "argument": ""}""");

    private FakeOpenAiServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The base URL to configure (ends in /v1).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The model ids <c>GET /v1/models</c> lists.</summary>
    public IReadOnlyList<string> ServedModels { get; set; } = ["gpt-4o", "gpt-4o-mini"];

    /// <summary>When set, <c>GET /v1/models</c> answers with this error instead.</summary>
    public FakeOpenAiReply? ModelsError { get; set; }

    /// <summary>How many times <c>GET /v1/models</c> was called, with the Authorization header of the last call.</summary>
    public (int Count, string? Authorization) ModelListings { get; private set; }

    public IReadOnlyList<FakeOpenAiRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapGet("/v1/models", server.ListModelsAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public void Respond(Func<FakeOpenAiRequest, FakeOpenAiReply> responder) => _responder = responder;

    public void Enqueue(params FakeOpenAiReply[] replies)
    {
        foreach (var reply in replies)
        {
            _queue.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ListModelsAsync(HttpContext context)
    {
        lock (_lock)
        {
            ModelListings = (++_modelListings, context.Request.Headers.Authorization.ToString());
        }
        context.Response.ContentType = "application/json";
        if (ModelsError is { } error)
        {
            context.Response.StatusCode = error.Status;
            await context.Response.WriteAsync(error.Body ?? "");
            return;
        }
        var data = new JsonArray([.. ServedModels.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m,
            ["object"] = "model",
            ["created"] = 1_700_000_000,
            ["owned_by"] = "fake",
        })]);
        await context.Response.WriteAsync(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString());
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = _clock.Elapsed;
        var body = await JsonNode.ParseAsync(context.Request.Body) ?? new JsonObject();
        var messages = body["messages"]?.AsArray() ?? [];
        var prompt = messages.LastOrDefault(m => (string?)m?["role"] == "user")?["content"] switch
        {
            JsonValue value => (string?)value ?? "",
            JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"] ?? "")),
            _ => "",
        };
        var format = body["response_format"];
        FakeOpenAiRequest request;
        lock (_lock)
        {
            request = new FakeOpenAiRequest(
                _requests.Count,
                (string?)body["model"] ?? "",
                prompt,
                (string?)format?["type"],
                (string?)format?["json_schema"]?["name"],
                (double?)body["temperature"],
                (int?)body["max_completion_tokens"] ?? (int?)body["max_tokens"],
                context.Request.Headers.Authorization.ToString(),
                arrived);
            _requests.Add(request);
        }

        var reply = _queue.TryDequeue(out var queued) ? queued : _responder(request);
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                request.Status = -1;
                return;
            }
        }
        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers[name] = value;
        }
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        request.Status = reply.Status;
        request.AnsweredAt = _clock.Elapsed;
        await context.Response.WriteAsync(reply.Body ?? Completion(request, reply));
    }

    private static string Completion(FakeOpenAiRequest request, FakeOpenAiReply reply)
    {
        var answer = new JsonObject
        {
            ["id"] = $"chatcmpl-{request.Index}",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = reply.Model ?? request.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
                ["finish_reason"] = "stop",
            }),
        };
        if (!reply.OmitUsage)
        {
            var prompt = reply.PromptTokens ?? Math.Max(1, request.Prompt.Length / 4);
            var completion = reply.CompletionTokens ?? Math.Max(1, reply.Content.Length / 4);
            answer["usage"] = new JsonObject
            {
                ["prompt_tokens"] = prompt,
                ["completion_tokens"] = completion,
                ["total_tokens"] = prompt + completion,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = reply.CachedTokens },
            };
        }
        return answer.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
