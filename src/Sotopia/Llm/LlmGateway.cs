using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The silo's way to language models: one Microsoft.Extensions.AI <see cref="IChatClient"/> pipeline
/// (<see cref="ChatClientBuilder"/>) over the OpenAI SDK's chat clients, one per endpoint and model
/// (<see cref="OpenAIClientOptions.Endpoint"/> = the role's base URL, so OpenAI, Azure OpenAI's v1 endpoint, vLLM,
/// Ollama or any OpenAI-compatible server work; the SDK's own retries are off). Every call, outermost first:
/// <list type="number">
/// <item><see cref="OutputRepairChatClient"/>: one repair call for an answer its <see cref="LlmAnswerCheck"/> rejects;</item>
/// <item><see cref="LlmTelemetryChatClient"/>: the <c>sotopia.llm.call</c> span and the SotopiaPi LLM metrics;</item>
/// <item><see cref="LlmAccountingChatClient"/>: the campaign budget gate, then the call's usage and cost;</item>
/// <item><see cref="LlmRetryChatClient"/>: Polly retries on 408/409/429/5xx, timeouts and connection errors,
/// honouring <c>retry-after-ms</c>, <c>retry-after</c> and <c>x-ratelimit-reset-*</c>;</item>
/// <item><see cref="StructuredOutputChatClient"/>: <c>response_format: json_schema</c>, with the remembered fallback
/// to plain JSON;</item>
/// <item><see cref="EndpointLimitingChatClient"/>: the endpoint's <see cref="EndpointLimiter"/> permit per request;</item>
/// <item><see cref="AttemptTimeoutChatClient"/>: the role's timeout per attempt (Polly);</item>
/// <item>Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/>: a <c>gen_ai</c> span and metrics per HTTP
/// request (source <see cref="SotopiaTelemetryNames.GenAiSourceName"/>, no prompt or answer content);</item>
/// <item><see cref="LlmEndpointChatClient"/>: the endpoint's OpenAI chat client.</item>
/// </list>
/// Keys are read from the environment when a client is first needed and are scrubbed from every message that
/// leaves the gateway.</summary>
public sealed class LlmGateway : ILlmGateway, IDisposable
{
    private readonly LlmSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmGateway> _logger;
    private readonly Func<string, string?> _environment;
    private readonly HttpClient _http;
    private readonly HttpClientPipelineTransport _transport;
    private readonly ResponseHeaderCapture _headers = new();
    private readonly SecretScrubber _scrubber = new();
    private readonly ConcurrentDictionary<string, EndpointLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, string Model), IChatClient> _clients = new();
    private readonly IChatClient _pipeline;
    private readonly Lock _randomLock = new();
    private readonly Random _random;

    public LlmGateway(
        LlmSettings settings,
        TimeProvider time,
        ILogger<LlmGateway> logger,
        LlmBudgetGate? budget = null,
        Func<string, string?>? environment = null,
        HttpMessageHandler? handler = null,
        int? jitterSeed = null,
        SotopiaInstruments? instruments = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time;
        _logger = logger;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _random = new Random(jitterSeed ?? Environment.ProcessId);
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _transport = new HttpClientPipelineTransport(_http);
        _pipeline = new ChatClientBuilder(new LlmEndpointChatClient(ClientFor))
            .Use(inner => new OutputRepairChatClient(inner))
            .Use(inner => new LlmTelemetryChatClient(inner, instruments, time))
            .Use(inner => new LlmAccountingChatClient(inner, budget))
            .Use(inner => new LlmRetryChatClient(inner, settings.Retry, time, NextRandom, _scrubber.Scrub, logger, instruments))
            .Use(inner => new StructuredOutputChatClient(inner, logger))
            .Use(inner => new EndpointLimitingChatClient(inner, _headers, settings.Retry, time, logger, instruments))
            .Use(inner => new AttemptTimeoutChatClient(inner, time))
            .UseOpenTelemetry(sourceName: SotopiaTelemetryNames.GenAiSourceName)
            .Build();
    }

    public LlmSettings Settings => _settings;

    /// <summary>Removes keys from text (for callers that report gateway errors themselves).</summary>
    public SecretScrubber Scrubber => _scrubber;

    public string DefaultModel(string role) => _settings.Role(role).Model;

    /// <summary>The limiter a role's calls go through.</summary>
    public EndpointLimiter GetLimiter(string role)
    {
        var settings = _settings.Role(role);
        return _limiters.GetOrAdd(settings.LimiterKey, key => new EndpointLimiter(key, settings, _time, NextRandom));
    }

    public async Task<LlmAnswer> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        LlmRoleSettings role;
        try
        {
            role = _settings.Role(request.Role);
        }
        catch (ArgumentException ex)
        {
            throw new LlmCallException(ex.Message, innerException: ex);
        }
        var model = string.IsNullOrWhiteSpace(request.Model) ? role.Model : request.Model;
        var call = new LlmCall(request, role, model, GetLimiter(request.Role), Fail);
        var response = await _pipeline.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, request.Prompt)], call.ToOptions(), cancellationToken)
            .ConfigureAwait(false);
        return new LlmAnswer(response.Text, call.Usage!, call.Structured, call.Headers.Raw)
        {
            Attempts = call.Attempts,
            FinishReason = response.FinishReason?.Value,
            Repair = call.Repair,
        };
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _transport.Dispose();
        _http.Dispose();
    }

    /// <summary>Roles whose key variable is unset although their endpoint needs a key (OpenAI, Azure), as messages
    /// naming the variable (never a value).</summary>
    public static IReadOnlyList<string> MissingKeys(LlmSettings settings, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        environment ??= Environment.GetEnvironmentVariable;
        return [.. settings.Roles.Values
            .Where(r => RequiresKey(r.BaseUrl) && string.IsNullOrEmpty(environment(r.ApiKeyVariable)))
            .GroupBy(r => r.ApiKeyVariable)
            .Select(g => $"the environment variable {g.Key} is not set; it must hold the API key for {string.Join(", ", g.Select(r => $"{r.Role} ({r.BaseUrl})"))}")];
    }

    internal static bool RequiresKey(Uri baseUrl) =>
        baseUrl.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>One cheap request to a role's endpoint — <c>GET {base_url}/models</c> with its key, no tokens used,
    /// at most the role's timeout (and 30 s) — returning how many models it lists.</summary>
    /// <exception cref="LlmCallException">The request failed; the message names the URL and the error, never a key.</exception>
    internal async Task<int> ListModelsAsync(LlmRoleSettings role, CancellationToken cancellationToken)
    {
        var url = $"{role.BaseUrl.AbsoluteUri.TrimEnd('/')}/models";
        var client = new OpenAIModelClient(new ApiKeyCredential(KeyFor(role)), ClientOptions(role));
        using var timeout = new CancellationTokenSource(role.Timeout < TimeSpan.FromSeconds(30) ? role.Timeout : TimeSpan.FromSeconds(30), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string error;
        int? status = null;
        try
        {
            var models = await client.GetModelsAsync(linked.Token).ConfigureAwait(false);
            return models.Value.Count;
        }
        catch (ClientResultException ex) when (ex.Status > 0)
        {
            status = ex.Status;
            error = $"HTTP {ex.Status} {OpenAiErrorMessage.FromBody(OpenAiErrorMessage.BodyOf(ex))}".TrimEnd();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {(role.Timeout < TimeSpan.FromSeconds(30) ? role.Timeout : TimeSpan.FromSeconds(30)).TotalSeconds:0.#} s";
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or IOException)
        {
            error = $"connection failed: {ex.InnerException?.Message ?? ex.Message}";
        }
        throw new LlmCallException(_scrubber.Scrub($"GET {url} failed: {error}"), status);
    }

    private IChatClient ClientFor(LlmCall call) =>
        _clients.GetOrAdd((call.Role.LimiterKey, call.Model), _ =>
        {
            var options = ClientOptions(call.Role);
            options.AddPolicy(_headers, PipelinePosition.PerTry);
            return new ChatClient(call.Model, new ApiKeyCredential(KeyFor(call.Role)), options).AsIChatClient();
        });

    /// <summary>The role's key from the environment (remembered for scrubbing); "EMPTY" for self-hosted servers.</summary>
    private string KeyFor(LlmRoleSettings role)
    {
        var key = _environment(role.ApiKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            if (RequiresKey(role.BaseUrl))
            {
                throw new LlmCallException(
                    $"The environment variable {role.ApiKeyVariable} is not set; it must hold the API key for {role.BaseUrl} (role {role.Role}).");
            }
            // vLLM, Ollama and most self-hosted servers accept any key; the SDK needs a non-empty one.
            return "EMPTY";
        }
        _scrubber.Add(key);
        return key;
    }

    private OpenAIClientOptions ClientOptions(LlmRoleSettings role) => new()
    {
        Endpoint = role.BaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        Transport = _transport,
        NetworkTimeout = role.Timeout + TimeSpan.FromSeconds(30),
    };

    private LlmCallException Fail(LlmCall call, string error, int? status, bool retryable)
    {
        var message = _scrubber.Scrub($"{call.Role.Role} call ({call.Request.Purpose}) to {call.Endpoint} model {call.Model} failed: {error}");
        LlmLog.Failed(_logger, call.Role.Role, call.Request.Purpose, call.Endpoint, call.Model, _scrubber.Scrub(error));
        return new LlmCallException(message, status, retryable);
    }

    private double NextRandom()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }
}
