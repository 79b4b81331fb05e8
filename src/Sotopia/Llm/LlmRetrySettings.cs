namespace SotopiaPi.Sotopia.Llm;

/// <summary>How the gateway retries: up to <see cref="MaxAttempts"/> attempts (SOTOPIA used 6) on HTTP 408, 409,
/// 429 and 5xx, timeouts and connection errors, waiting a jittered exponential backoff
/// (<see cref="BaseDelay"/> × 2^(attempt−1), at most <see cref="MaxDelay"/>, times a random factor in [0.5, 1]) or
/// what the endpoint asks for (<c>retry-after-ms</c>, <c>retry-after</c>, <c>x-ratelimit-reset-*</c>), whichever is
/// longer.</summary>
public sealed record LlmRetrySettings
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);
}
