using System.Collections.Concurrent;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The limits of one endpoint (base URL + key variable + model), shared by every caller in this silo:
/// an adaptive concurrency cap (<see cref="AdaptiveConcurrency"/>), token buckets for requests and tokens per minute
/// (configured, or learned from <c>x-ratelimit-limit-*</c>), and one shared "slow down" deadline. When the endpoint
/// says slow down — 429 or 503, <c>retry-after(-ms)</c>, or an exhausted <c>x-ratelimit-remaining-*</c> — the
/// deadline moves for everyone: no caller sends before it, the buckets restart empty after it, and waiters wake
/// spread over a short jitter window, so thousands of episodes never stampede the endpoint.</summary>
/// <remarks>
/// Hand-written on purpose. The libraries that come closest — System.Threading.RateLimiting's token-bucket and
/// concurrency limiters, and Polly's rate limiter and circuit breaker built on them — lack what an LLM endpoint
/// needs: (1) <b>token debt and refunds</b>: a request reserves its estimated tokens (prompt + <c>max_tokens</c>)
/// before the answer says how many it used, and the bucket is corrected afterwards in either direction, while a
/// <c>TokenBucketRateLimiter</c> lease can neither go into debt for one large request nor give tokens back;
/// (2) <b>AIMD on 429s</b>: the concurrency cap halves on overload and grows back by 1/cap per success, while their
/// permit limits are fixed at construction; (3) <b>one slow-down deadline shared by all callers</b>: a
/// <c>retry-after</c> or an exhausted <c>x-ratelimit-remaining-*</c> seen by one call pauses every call to the
/// endpoint, empties the buckets and wakes the waiters spread out, while a retry strategy (Polly's included) only
/// delays the call that saw it, and a circuit breaker fails calls instead of holding them. Retries themselves are
/// Polly's (<see cref="LlmRetryChatClient"/>); this class is the one piece of the pipeline no library provides.
/// </remarks>
public sealed class EndpointLimiter
{
    private readonly Lock _lock = new();
    private readonly LlmRoleSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly AdaptiveConcurrency _concurrency;
    private readonly ConcurrentDictionary<string, bool> _rejectedSchemas = new(StringComparer.Ordinal);
    private TokenBucket? _requests;
    private TokenBucket? _tokens;
    private DateTimeOffset _pausedUntil;
    private long _throttles;
    private long _pauses;
    private int _delayed;

    public EndpointLimiter(string key, LlmRoleSettings settings, TimeProvider time, Func<double> random)
    {
        Key = key;
        _settings = settings;
        _time = time;
        _random = random;
        _concurrency = new AdaptiveConcurrency(settings.MaxConcurrency, TimeSpan.FromSeconds(2));
        var now = time.GetUtcNow();
        if (settings.RequestsPerMinute is { } rpm)
        {
            _requests = new TokenBucket(rpm, now);
        }
        if (settings.TokensPerMinute is { } tpm)
        {
            _tokens = new TokenBucket(tpm, now);
        }
    }

    public string Key { get; }

    public int ConcurrencyLimit => _concurrency.Limit;

    public int InFlight => _concurrency.InFlight;

    public int Waiting => _concurrency.Waiting;

    /// <summary>Callers that hold a concurrency slot and wait for the slow-down deadline or room in the buckets.</summary>
    public int Delayed => Volatile.Read(ref _delayed);

    /// <summary>Raised when a caller starts waiting (in the concurrency queue, or for the deadline or the buckets):
    /// lets tests and diagnostics observe the limiter without polling it.</summary>
    public event Action<EndpointLimiter>? Waited;

    /// <summary>Raised after the shared deadline moved (<see cref="Pauses"/> counts it): with <see cref="Waited"/>, what
    /// tests and diagnostics need to see every change of the limiter's state without polling it.</summary>
    public event Action<EndpointLimiter>? Paused;

    /// <summary>Responses that asked to slow down (429, 503, exhausted limits).</summary>
    public long Throttles => Interlocked.Read(ref _throttles);

    /// <summary>Times the shared deadline moved.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (_lock)
            {
                return _pausedUntil;
            }
        }
    }

    /// <summary>Requests per minute in force (configured or learned), or null.</summary>
    public double? RequestsPerMinute => _requests?.RatePerSecond * 60;

    /// <summary>Tokens per minute in force (configured or learned), or null.</summary>
    public double? TokensPerMinute => _tokens?.RatePerSecond * 60;

    /// <summary>Waits for a concurrency slot, the end of any slow-down, and room in the buckets for one request of
    /// <paramref name="estimatedTokens"/>. Dispose the permit when the response is in.</summary>
    public async ValueTask<Permit> AcquireAsync(int estimatedTokens, CancellationToken cancellationToken)
    {
        var slot = _concurrency.WaitAsync(cancellationToken);
        if (!slot.IsCompleted)
        {
            Waited?.Invoke(this);
        }
        await slot.ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = _time.GetUtcNow();
                var pausedUntil = PausedUntil;
                if (pausedUntil > now)
                {
                    await DelayAsync(pausedUntil - now + WakeJitter(pausedUntil - now), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var wait = TimeSpan.Zero;
                if (_requests is { } requests)
                {
                    wait = requests.Reserve(1, now);
                }
                if (_tokens is { } tokens)
                {
                    var tokenWait = tokens.Reserve(estimatedTokens, now);
                    wait = tokenWait > wait ? tokenWait : wait;
                }
                if (wait <= TimeSpan.Zero)
                {
                    return new Permit(this);
                }
                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                if (PausedUntil <= _time.GetUtcNow())
                {
                    return new Permit(this);
                }
                // A slow-down began while we waited: our reservation is void, queue again after it.
            }
        }
        catch
        {
            _concurrency.Release();
            throw;
        }
    }

    /// <summary>A call succeeded: learn announced limits, honour exhausted ones, correct the token reservation.</summary>
    public void OnSuccess(RateLimitHeaders headers, int estimatedTokens, int actualTokens)
    {
        _concurrency.OnSuccess();
        var now = _time.GetUtcNow();
        Learn(headers, now);
        _tokens?.Adjust(actualTokens - estimatedTokens, now);
        var exhausted = false;
        if (headers.RemainingRequests == 0 && headers.ResetRequests is { } resetRequests)
        {
            Pause(resetRequests);
            exhausted = true;
        }
        if (headers.RemainingTokens is { } remaining && remaining < Math.Max(estimatedTokens, 1) && headers.ResetTokens is { } resetTokens)
        {
            Pause(resetTokens);
            exhausted = true;
        }
        if (exhausted)
        {
            Interlocked.Increment(ref _throttles);
        }
    }

    /// <summary>The endpoint asked to slow down (429, or 503 with a wait): everyone pauses for the requested wait (or
    /// <paramref name="fallback"/>) and the concurrency limit halves.</summary>
    public void OnThrottled(RateLimitHeaders headers, TimeSpan fallback)
    {
        Interlocked.Increment(ref _throttles);
        var now = _time.GetUtcNow();
        Learn(headers, now);
        _concurrency.OnOverload(now);
        Pause(headers.RequestedWait() ?? fallback);
    }

    /// <summary>An attempt timed out or the server failed (5xx): the concurrency limit halves; no shared pause.</summary>
    public void OnOverloaded() => _concurrency.OnOverload(_time.GetUtcNow());

    /// <summary>Moves the shared deadline to now + <paramref name="duration"/> (never earlier than it is).</summary>
    public void Pause(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }
        var until = _time.GetUtcNow() + duration;
        lock (_lock)
        {
            if (until <= _pausedUntil)
            {
                return;
            }
            _pausedUntil = until;
        }
        Interlocked.Increment(ref _pauses);
        _requests?.Block(until);
        _tokens?.Block(until);
        Paused?.Invoke(this);
    }

    public bool RejectsSchema(string schemaName) => _rejectedSchemas.ContainsKey(schemaName);

    public void MarkSchemaRejected(string schemaName) => _rejectedSchemas[schemaName] = true;

    private void Learn(RateLimitHeaders headers, DateTimeOffset now)
    {
        if (_settings.RequestsPerMinute is null && headers.LimitRequests is > 0 and var rpm)
        {
            lock (_lock)
            {
                if (_requests is null)
                {
                    _requests = new TokenBucket(rpm, now);
                }
                else if (Math.Abs((_requests.RatePerSecond * 60) - rpm) > 0.5)
                {
                    _requests.SetRate(rpm);
                }
            }
        }
        if (_settings.TokensPerMinute is null && headers.LimitTokens is > 0 and var tpm)
        {
            lock (_lock)
            {
                if (_tokens is null)
                {
                    _tokens = new TokenBucket(tpm, now);
                }
                else if (Math.Abs((_tokens.RatePerSecond * 60) - tpm) > 0.5)
                {
                    _tokens.SetRate(tpm);
                }
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _delayed);
        try
        {
            var wait = Task.Delay(delay, _time, cancellationToken);
            Waited?.Invoke(this);
            await wait.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _delayed);
        }
    }

    /// <summary>Spreads the wake-ups after a pause over up to a tenth of it (at most 250 ms).</summary>
    private TimeSpan WakeJitter(TimeSpan pause) =>
        TimeSpan.FromMilliseconds(Math.Min(250, pause.TotalMilliseconds * 0.1) * _random());

    /// <summary>A concurrency slot; dispose once the call is over.</summary>
    public readonly struct Permit(EndpointLimiter limiter) : IDisposable
    {
        public void Dispose() => limiter._concurrency.Release();
    }
}
