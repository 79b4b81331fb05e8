using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: retries with a Polly 8 retry strategy — up to <see cref="LlmRetrySettings.MaxAttempts"/>
/// attempts on HTTP 408, 409, 429 and 5xx, attempt timeouts and connection errors, waiting what the endpoint asks
/// for (<c>retry-after-ms</c>, <c>retry-after</c>, or the <c>x-ratelimit-reset-*</c> of an exhausted limit) or else
/// Polly's jittered exponential backoff from <see cref="LlmRetrySettings.BaseDelay"/> up to
/// <see cref="LlmRetrySettings.MaxDelay"/>. Other errors (400, 401, 404…) fail at once. Whatever fails for good
/// leaves as an <see cref="LlmCallException"/> naming role, endpoint, model and the endpoint's message.</summary>
internal sealed class LlmRetryChatClient : DelegatingChatClient
{
    private readonly ResiliencePipeline<ChatResponse> _pipeline;

    public LlmRetryChatClient(IChatClient inner, LlmRetrySettings retry, TimeProvider time, Func<double> random, Func<string, string> scrub,
        ILogger logger, SotopiaInstruments? instruments)
        : base(inner)
    {
        var builder = new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = time };
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ChatResponse>
            {
                MaxRetryAttempts = retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                Randomizer = random,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is ClientResultException e ? RateLimitHeaders.Parse(e.GetRawResponse()?.Headers, time.GetUtcNow()).RequestedWait() : null),
                OnRetry = args =>
                {
                    var call = LlmCall.Of(args.Context);
                    var ex = args.Outcome.Exception!;
                    LlmLog.Retrying(logger, call.Role.Role, call.Request.Purpose, call.Endpoint, call.Model, args.AttemptNumber + 1, retry.MaxAttempts,
                        scrub(Describe(ex, call) ?? ex.GetType().Name), (long)args.RetryDelay.TotalMilliseconds);
                    instruments?.LlmRetried(call.Role.Role, call.Model, Reason(ex));
                    return default;
                },
            });
        }
        _pipeline = builder.Build();
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LlmCall.ResilienceKey, call);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    state.Call.Attempts++;
                    return await state.Inner.GetResponseAsync(state.Messages, state.Options, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Call: call, Inner: InnerClient, Messages: messages, Options: options)).ConfigureAwait(false);
        }
        catch (LlmCallException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (Describe(ex, call) is { } error)
        {
            var transient = IsTransient(ex, cancellationToken);
            throw call.Fail(transient ? $"gave up after {call.Attempts} attempts; last error: {error}" : error,
                ex is ClientResultException { Status: > 0 } http ? http.Status : null, transient);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");

    /// <summary>Worth another attempt: 408, 409, 429, 5xx, an attempt timeout, a connection error.</summary>
    private static bool IsTransient(Exception ex, CancellationToken callerToken) => ex switch
    {
        ClientResultException { Status: 408 or 409 or 429 or >= 500 } => true,
        ClientResultException { Status: 0 } => true,
        TimeoutRejectedException => true,
        HttpRequestException or IOException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The error as the final message says it, or null for exceptions this step does not translate.</summary>
    private static string? Describe(Exception ex, LlmCall call) => ex switch
    {
        ClientResultException { Status: > 0 } http => $"HTTP {http.Status} {OpenAiErrorMessage.FromBody(OpenAiErrorMessage.BodyOf(http))}".TrimEnd(),
        TimeoutRejectedException or OperationCanceledException =>
            string.Create(CultureInfo.InvariantCulture, $"no answer within the timeout of {call.Role.Timeout.TotalSeconds:0.#} s"),
        ClientResultException or HttpRequestException or IOException => $"connection failed: {ex.Message}",
        JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException =>
            $"the endpoint's answer is not an OpenAI chat completion: {ex.Message}",
        _ => null,
    };

    private static string Reason(Exception ex) => ex switch
    {
        ClientResultException { Status: 429 } => "rate_limited",
        ClientResultException { Status: >= 500 } => "server_error",
        ClientResultException { Status: > 0 } => "conflict_or_timeout",
        TimeoutRejectedException or OperationCanceledException => "timeout",
        _ => "connection",
    };
}
