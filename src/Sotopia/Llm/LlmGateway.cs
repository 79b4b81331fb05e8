using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The silo's way to language models: one OpenAI SDK <see cref="ChatClient"/> per endpoint and model
/// (<see cref="OpenAIClientOptions.Endpoint"/> = the role's base URL, so OpenAI, Azure OpenAI's v1 endpoint, vLLM,
/// Ollama or any OpenAI-compatible server work), with the SDK's own retries turned off so this gateway owns them.
/// Every call: the campaign budget gate, an <see cref="EndpointLimiter"/> permit (concurrency, rate buckets, shared
/// slow-down), structured output with a remembered fallback to plain JSON, a per-attempt timeout, and retries with
/// jittered exponential backoff on 408/409/429/5xx, timeouts and connection errors honouring <c>retry-after-ms</c>,
/// <c>retry-after</c> and <c>x-ratelimit-*</c>. Keys are read from the environment when a client is first needed and
/// are scrubbed from every message that leaves the gateway.</summary>
public sealed class LlmGateway : ILlmGateway, IDisposable
{
    private readonly LlmSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmGateway> _logger;
    private readonly LlmBudgetGate? _budget;
    private readonly Func<string, string?> _environment;
    private readonly HttpClient _http;
    private readonly HttpClientPipelineTransport _transport;
    private readonly SecretScrubber _scrubber = new();
    private readonly ConcurrentDictionary<string, EndpointLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, string Model), ChatClient> _clients = new();
    private readonly Lock _randomLock = new();
    private readonly Random _random;

    public LlmGateway(
        LlmSettings settings,
        TimeProvider time,
        ILogger<LlmGateway> logger,
        LlmBudgetGate? budget = null,
        Func<string, string?>? environment = null,
        HttpMessageHandler? handler = null,
        int? jitterSeed = null)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _budget = budget;
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
        var endpoint = $"{role.BaseUrl.Host}{(role.BaseUrl.IsDefaultPort ? "" : ":" + role.BaseUrl.Port)}";
        var limiter = GetLimiter(request.Role);
        var client = ClientFor(role, model);
        if (_budget is not null && request.EpisodeId is not null)
        {
            await _budget.WaitAsync(request.EpisodeId, cancellationToken);
        }

        var promptTokens = (int)Math.Ceiling(request.Prompt.Length / _settings.CharsPerToken);
        var estimate = promptTokens + (role.MaxTokens ?? 512);
        var structured = request.Schema is not null && role.StructuredOutputs != StructuredOutputMode.Off && !limiter.RejectsSchema(request.Schema.Name);
        var retry = _settings.Retry;
        string lastError = "no attempt was made";
        int? lastStatus = null;
        for (var attempt = 1; attempt <= retry.MaxAttempts; attempt++)
        {
            TimeSpan delay;
            using (await limiter.AcquireAsync(estimate, cancellationToken))
            {
                var options = new ChatCompletionOptions
                {
                    Temperature = request.Temperature ?? role.Temperature,
                    MaxOutputTokenCount = role.MaxTokens,
                };
                if (structured)
                {
                    options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
                        request.Schema!.Name, BinaryData.FromString(request.Schema.Json), jsonSchemaIsStrict: request.Schema.Strict);
                }
                using var timeout = new CancellationTokenSource(role.Timeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                var started = _time.GetTimestamp();
                try
                {
                    var result = await client.CompleteChatAsync([new UserChatMessage(request.Prompt)], options, linked.Token);
                    var latency = _time.GetElapsedTime(started);
                    var headers = RateLimitHeaders.Parse(result.GetRawResponse().Headers, _time.GetUtcNow());
                    var completion = result.Value;
                    var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
                    var usage = completion.Usage is { } u
                        ? new CallUsage(ModelOf(completion, model), u.InputTokenCount, u.OutputTokenCount, u.InputTokenDetails?.CachedTokenCount ?? 0, latency)
                        : new CallUsage(ModelOf(completion, model), promptTokens, (int)Math.Ceiling(text.Length / _settings.CharsPerToken), 0, latency);
                    limiter.OnSuccess(headers, estimate, usage.PromptTokens + usage.CompletionTokens);
                    if (request.EpisodeId is not null)
                    {
                        _budget?.Record(request.EpisodeId, usage);
                    }
                    return new LlmAnswer(text, usage, structured, headers.Raw)
                    {
                        Attempts = attempt,
                        FinishReason = completion.FinishReason.ToString(),
                    };
                }
                catch (ClientResultException ex) when (ex.Status > 0)
                {
                    var status = ex.Status;
                    var body = BodyOf(ex);
                    var headers = RateLimitHeaders.Parse(ex.GetRawResponse()?.Headers, _time.GetUtcNow());
                    if (structured && IsSchemaRejection(status, body))
                    {
                        if (role.StructuredOutputs == StructuredOutputMode.On)
                        {
                            throw Fail(role, request, endpoint, model, $"the endpoint rejected structured output (structured_outputs: on): HTTP {status} {ErrorMessage(body)}", status, false);
                        }
                        limiter.MarkSchemaRejected(request.Schema!.Name);
                        LlmLog.StructuredOutputRejected(_logger, endpoint, model, request.Schema.Name);
                        structured = false;
                        attempt--;
                        continue;
                    }
                    lastStatus = status;
                    lastError = $"HTTP {status} {ErrorMessage(body)}".TrimEnd();
                    if (!IsRetryable(status))
                    {
                        throw Fail(role, request, endpoint, model, lastError, status, false);
                    }
                    delay = Backoff(attempt);
                    if (status is 429 or 503)
                    {
                        var pause = headers.RequestedWait() ?? delay;
                        limiter.OnThrottled(headers, delay);
                        LlmLog.SlowingDown(_logger, endpoint, model, status, (long)pause.TotalMilliseconds);
                    }
                    else if (status >= 500)
                    {
                        limiter.OnOverloaded();
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastStatus = null;
                    lastError = $"no answer within the timeout of {role.Timeout.TotalSeconds:0.#} s";
                    limiter.OnOverloaded();
                    delay = Backoff(attempt);
                }
                catch (Exception ex) when (ex is ClientResultException or HttpRequestException or IOException)
                {
                    lastStatus = null;
                    lastError = $"connection failed: {ex.Message}";
                    delay = Backoff(attempt);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
                {
                    throw Fail(role, request, endpoint, model, $"the endpoint's answer is not an OpenAI chat completion: {ex.Message}", null, false);
                }
            }
            if (attempt >= retry.MaxAttempts)
            {
                break;
            }
            LlmLog.Retrying(_logger, role.Role, request.Purpose, endpoint, model, attempt, retry.MaxAttempts, _scrubber.Scrub(lastError), (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken);
        }
        throw Fail(role, request, endpoint, model, $"gave up after {retry.MaxAttempts} attempts; last error: {lastError}", lastStatus, true);
    }

    public void Dispose()
    {
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

    private ChatClient ClientFor(LlmRoleSettings role, string model) =>
        _clients.GetOrAdd((role.LimiterKey, model), _ =>
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
                key = "EMPTY";
            }
            _scrubber.Add(key);
            var options = new OpenAIClientOptions
            {
                Endpoint = role.BaseUrl,
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                Transport = _transport,
                NetworkTimeout = role.Timeout + TimeSpan.FromSeconds(30),
            };
            return new ChatClient(model, new ApiKeyCredential(key), options);
        });

    private LlmCallException Fail(LlmRoleSettings role, LlmRequest request, string endpoint, string model, string error, int? status, bool retryable)
    {
        var message = _scrubber.Scrub($"{role.Role} call ({request.Purpose}) to {endpoint} model {model} failed: {error}");
        LlmLog.Failed(_logger, role.Role, request.Purpose, endpoint, model, _scrubber.Scrub(error));
        return new LlmCallException(message, status, retryable);
    }

    private TimeSpan Backoff(int attempt)
    {
        var retry = _settings.Retry;
        var exponential = retry.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, retry.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * NextRandom())));
    }

    private double NextRandom()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }

    private static string ModelOf(ChatCompletion completion, string requested) =>
        string.IsNullOrWhiteSpace(completion.Model) ? requested : completion.Model;

    private static bool IsRetryable(int status) => status is 408 or 409 or 429 or >= 500;

    private static bool IsSchemaRejection(int status, string body) =>
        status is 400 or 422 or 501
        && (body.Contains("response_format", StringComparison.OrdinalIgnoreCase)
            || body.Contains("json_schema", StringComparison.OrdinalIgnoreCase)
            || body.Contains("structured output", StringComparison.OrdinalIgnoreCase));

    internal static bool RequiresKey(Uri baseUrl) =>
        baseUrl.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase);

    private static string BodyOf(ClientResultException ex)
    {
        try
        {
            return ex.GetRawResponse()?.Content?.ToString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>The error text of an OpenAI-style (<c>{"error": {"message": …}}</c>), vLLM-style
    /// (<c>{"message": …}</c>) or FastAPI-style (<c>{"detail": …}</c>) error body, else the body, shortened.</summary>
    private static string ErrorMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(message.GetString()!);
                    }
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(error.GetString()!);
                    }
                }
                foreach (var name in new[] { "message", "detail" })
                {
                    if (root.TryGetProperty(name, out var value))
                    {
                        return Shorten(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the text.
        }
        return Shorten(body);
    }

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
