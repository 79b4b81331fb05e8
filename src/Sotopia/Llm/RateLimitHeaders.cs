using System.Collections.Immutable;
using System.Globalization;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The rate-limit information of one HTTP response: OpenAI's <c>x-ratelimit-limit/remaining/reset-
/// requests/tokens</c> and the standard <c>retry-after-ms</c> / <c>retry-after</c> (seconds or an HTTP date).
/// Negative or unparsable values (Azure sends -1 for "unknown") are ignored.</summary>
public sealed record RateLimitHeaders
{
    public int? LimitRequests { get; init; }
    public int? LimitTokens { get; init; }
    public int? RemainingRequests { get; init; }
    public int? RemainingTokens { get; init; }
    public TimeSpan? ResetRequests { get; init; }
    public TimeSpan? ResetTokens { get; init; }
    /// <summary>From <c>retry-after-ms</c> if present, else <c>retry-after</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>The rate-limit headers as received (names lower-cased).</summary>
    public ImmutableDictionary<string, string> Raw { get; init; } = ImmutableDictionary<string, string>.Empty;

    public static RateLimitHeaders None { get; } = new();

    public static RateLimitHeaders Parse(IEnumerable<KeyValuePair<string, string>>? headers, DateTimeOffset now)
    {
        if (headers is null)
        {
            return None;
        }
        var raw = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.ToLowerInvariant();
            if (key.StartsWith("x-ratelimit-", StringComparison.Ordinal) || key is "retry-after" or "retry-after-ms")
            {
                raw[key] = value;
            }
        }
        if (raw.Count == 0)
        {
            return None;
        }
        TimeSpan? retryAfter = null;
        if (raw.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            retryAfter = TimeSpan.FromMilliseconds(millis);
        }
        else if (raw.TryGetValue("retry-after", out var after))
        {
            if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }
            else if (DateTimeOffset.TryParseExact(after.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                retryAfter = date > now ? date - now : TimeSpan.Zero;
            }
        }
        return new RateLimitHeaders
        {
            LimitRequests = Count(raw, "x-ratelimit-limit-requests"),
            LimitTokens = Count(raw, "x-ratelimit-limit-tokens"),
            RemainingRequests = Count(raw, "x-ratelimit-remaining-requests"),
            RemainingTokens = Count(raw, "x-ratelimit-remaining-tokens"),
            ResetRequests = Duration(raw, "x-ratelimit-reset-requests"),
            ResetTokens = Duration(raw, "x-ratelimit-reset-tokens"),
            RetryAfter = retryAfter,
            Raw = raw.ToImmutable(),
        };
    }

    /// <summary>How long the endpoint asks callers to wait: <see cref="RetryAfter"/>, else the reset time of an
    /// exhausted limit (remaining 0), else null.</summary>
    public TimeSpan? RequestedWait()
    {
        if (RetryAfter is { } after)
        {
            return after;
        }
        TimeSpan? wait = null;
        if (RemainingRequests == 0 && ResetRequests is { } r)
        {
            wait = r;
        }
        if (RemainingTokens == 0 && ResetTokens is { } t && (wait is null || t > wait))
        {
            wait = t;
        }
        return wait;
    }

    private static int? Count(ImmutableDictionary<string, string>.Builder raw, string name) =>
        raw.TryGetValue(name, out var text) && long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (int)Math.Min(value, int.MaxValue)
            : null;

    private static TimeSpan? Duration(ImmutableDictionary<string, string>.Builder raw, string name)
    {
        if (!raw.TryGetValue(name, out var text))
        {
            return null;
        }
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }
        return LlmConfigLoader.TryParseDuration(text, out var duration) ? duration : null;
    }
}
