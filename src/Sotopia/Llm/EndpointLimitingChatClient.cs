using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step around every HTTP request: a permit from the endpoint's <see cref="EndpointLimiter"/>
/// (concurrency, request and token buckets reserving the prompt's tokens + <c>max_tokens</c> — counted only once the
/// endpoint has a tokens-per-minute limit, configured or learned — the shared slow-down
/// deadline), then the endpoint's answer fed back to it — announced limits and the real usage on success; a 429 or
/// 503 moves the shared deadline (to what the endpoint asked for, else <see cref="LlmRetrySettings.BaseDelay"/>)
/// and halves the concurrency cap; a 5xx or a timed-out attempt halves the cap.</summary>
internal sealed class EndpointLimitingChatClient(
    IChatClient inner, ResponseHeaderCapture headers, LlmRetrySettings retry, TimeProvider time, ILogger logger, SotopiaInstruments? instruments)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var limiter = call.Limiter;
        // Tokenizing a prompt costs CPU (about 0.1 ms per KB); it is needed only once the endpoint has a token budget.
        var reserved = limiter.TokensPerMinute is null ? 0 : call.ReservedTokens;
        var waitStarted = time.GetTimestamp();
        using (await limiter.AcquireAsync(reserved, cancellationToken).ConfigureAwait(false))
        {
            var waited = time.GetElapsedTime(waitStarted);
            if (waited > TimeSpan.Zero)
            {
                call.RateLimitWait += waited;
                instruments?.LlmRateLimitWaited(call.Role.Role, call.Model, "limits", waited);
            }
            var received = headers.Begin();
            var started = time.GetTimestamp();
            try
            {
                var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
                call.Latency = time.GetElapsedTime(started);
                call.Headers = RateLimitHeaders.Parse(received.Value, time.GetUtcNow());
                var used = reserved == 0 ? 0
                    : response.Usage is { InputTokenCount: { } input, OutputTokenCount: { } output } ? (int)(input + output)
                    : call.PromptTokens + call.CountTokens(response.Text);
                limiter.OnSuccess(call.Headers, reserved, used);
                return response;
            }
            catch (ClientResultException ex) when (ex.Status is 429 or 503)
            {
                var answer = RateLimitHeaders.Parse(ex.GetRawResponse()?.Headers, time.GetUtcNow());
                limiter.OnThrottled(answer, retry.BaseDelay);
                LlmLog.SlowingDown(logger, call.Endpoint, call.Model, ex.Status, (long)(answer.RequestedWait() ?? retry.BaseDelay).TotalMilliseconds);
                throw;
            }
            catch (ClientResultException ex) when (ex.Status >= 500)
            {
                limiter.OnOverloaded();
                throw;
            }
            catch (TimeoutRejectedException)
            {
                limiter.OnOverloaded();
                throw;
            }
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
