namespace SotopiaPi.Sotopia.Llm;

/// <summary>An async gate admitting at most <see cref="Limit"/> callers at once, first come first served. The limit
/// adapts like TCP congestion control: it halves when the endpoint signals overload (at most once per cooldown, so
/// one burst of 429s counts once) and grows back by about one per <see cref="Limit"/> successes, up to
/// <see cref="MaxLimit"/>.</summary>
/// <remarks>Hand-written because System.Threading.RateLimiting's <c>ConcurrencyLimiter</c> has a permit limit fixed
/// at construction (no AIMD); see <see cref="EndpointLimiter"/>.</remarks>
public sealed class AdaptiveConcurrency(int maxLimit, TimeSpan decreaseCooldown)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private double _limit = maxLimit;
    private int _inFlight;
    private DateTimeOffset _lastDecrease = DateTimeOffset.MinValue;

    public int MaxLimit => maxLimit;

    /// <summary>The current limit (whole callers).</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return (int)_limit;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _inFlight < (int)_limit)
            {
                _inFlight++;
                return ValueTask.CompletedTask;
            }
            node = _waiters.AddLast(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        return new ValueTask(WaitSlowAsync(node, cancellationToken));
    }

    public void Release()
    {
        lock (_lock)
        {
            _inFlight--;
            Admit();
        }
    }

    /// <summary>A call succeeded: grow the limit by 1/limit.</summary>
    public void OnSuccess()
    {
        lock (_lock)
        {
            if (_limit < maxLimit)
            {
                _limit = Math.Min(maxLimit, _limit + (1.0 / _limit));
                Admit();
            }
        }
    }

    /// <summary>The endpoint is overloaded (429, 503, timeout): halve the limit, at most once per cooldown.</summary>
    public void OnOverload(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (now - _lastDecrease < decreaseCooldown)
            {
                return;
            }
            _lastDecrease = now;
            _limit = Math.Max(1.0, _limit / 2);
        }
    }

    private async Task WaitSlowAsync(LinkedListNode<TaskCompletionSource<bool>> node, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    node.Value.TrySetCanceled(cancellationToken);
                }
            }
        }))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
    }

    private void Admit()
    {
        while (_waiters.Count > 0 && _inFlight < (int)_limit)
        {
            var next = _waiters.First!;
            _waiters.RemoveFirst();
            _inFlight++;
            next.Value.TrySetResult(true);
        }
    }
}
