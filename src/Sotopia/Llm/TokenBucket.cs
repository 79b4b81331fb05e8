namespace SotopiaPi.Sotopia.Llm;

/// <summary>A token bucket kept as a generic cell-rate schedule: it refills at <see cref="RatePerSecond"/> up to a
/// burst of <see cref="Capacity"/>, and every reservation is granted at once but may be told to wait (the bucket
/// goes into debt), so concurrent callers are spaced out at exactly the rate instead of polling. Thread-safe.</summary>
/// <remarks>Hand-written because System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c> cannot lend tokens
/// (one request larger than the bucket's remainder) nor take back what a request did not use; see
/// <see cref="EndpointLimiter"/>.</remarks>
public sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private double _ratePerSecond;
    private double _capacity;
    private DateTimeOffset _theoreticalArrival;

    public TokenBucket(double perMinute, DateTimeOffset now, double burstSeconds = 1.0)
    {
        SetRate(perMinute, burstSeconds);
        _theoreticalArrival = now;
    }

    public double RatePerSecond
    {
        get
        {
            lock (_lock)
            {
                return _ratePerSecond;
            }
        }
    }

    public double Capacity
    {
        get
        {
            lock (_lock)
            {
                return _capacity;
            }
        }
    }

    /// <summary>Changes the rate (for example to a limit the endpoint announced); the schedule so far is kept.</summary>
    public void SetRate(double perMinute, double burstSeconds = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perMinute);
        lock (_lock)
        {
            _ratePerSecond = perMinute / 60.0;
            _capacity = Math.Max(1.0, _ratePerSecond * burstSeconds);
        }
    }

    /// <summary>Takes <paramref name="amount"/> tokens; returns how long the caller must wait before using them.</summary>
    public TimeSpan Reserve(double amount, DateTimeOffset now)
    {
        lock (_lock)
        {
            var start = _theoreticalArrival > now ? _theoreticalArrival : now;
            _theoreticalArrival = start + TimeSpan.FromSeconds(amount / _ratePerSecond);
            var allowedAt = _theoreticalArrival - TimeSpan.FromSeconds(_capacity / _ratePerSecond);
            return allowedAt > now ? allowedAt - now : TimeSpan.Zero;
        }
    }

    /// <summary>Corrects an earlier reservation by <paramref name="amount"/> tokens (positive: more were used than
    /// reserved; negative: refund).</summary>
    public void Adjust(double amount, DateTimeOffset now)
    {
        lock (_lock)
        {
            var next = _theoreticalArrival + TimeSpan.FromSeconds(amount / _ratePerSecond);
            var floor = now - TimeSpan.FromSeconds(_capacity / _ratePerSecond);
            _theoreticalArrival = next < floor ? floor : next;
        }
    }

    /// <summary>Grants nothing before <paramref name="until"/>, and after it starts from an empty bucket (no burst).</summary>
    public void Block(DateTimeOffset until)
    {
        lock (_lock)
        {
            var empty = until + TimeSpan.FromSeconds(_capacity / _ratePerSecond);
            if (empty > _theoreticalArrival)
            {
                _theoreticalArrival = empty;
            }
        }
    }
}
