namespace SotopiaPi.Sotopia.Llm;

/// <summary>How the gateway retries (a Polly 8 retry strategy, <see cref="LlmRetryChatClient"/>): up to
/// <see cref="MaxAttempts"/> attempts (SOTOPIA used 6) on HTTP 408, 409, 429 and 5xx, timeouts and connection
/// errors, waiting what the endpoint asks for (<c>retry-after-ms</c>, <c>retry-after</c>, or the
/// <c>x-ratelimit-reset-*</c> of an exhausted limit) or else Polly's jittered exponential backoff starting at
/// <see cref="BaseDelay"/>, at most <see cref="MaxDelay"/>. Independently of the retry's own wait, a 429 or 503 moves
/// the endpoint's shared slow-down deadline (<see cref="EndpointLimiter"/>), which no call passes.</summary>
public sealed record LlmRetrySettings
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);
}
