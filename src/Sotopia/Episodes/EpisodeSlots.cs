namespace SotopiaPi.Sotopia.Episodes;

/// <summary>How many episodes one silo plays at once (its configured capacity). An episode activated beyond it
/// waits for a slot before it begins, so a silo never plays more than its share even when placement is uneven.
/// One per silo; <see cref="Playing"/> feeds the metrics. <see cref="Completed"/> and <see cref="Failed"/> count this
/// process only (tests check placement with them); the API and the console never show them — their episode counters
/// come from the store and survive a silo restart.</summary>
public sealed class EpisodeSlots : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _playing;
    private int _waiting;
    private long _completed;
    private long _failed;

    public EpisodeSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _slots = new SemaphoreSlim(capacity, capacity);
    }

    public int Capacity { get; }

    /// <summary>Episodes playing on this silo now.</summary>
    public int Playing => Volatile.Read(ref _playing);

    /// <summary>Episodes activated on this silo that wait for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Episodes this silo played to an end (completed or evaluation failed) since it started.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Episodes this silo recorded as failed since it started.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async ValueTask<Slot> AcquireAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            // Resumes on the caller's scheduler (an episode grain's): one hop after the release, not a thread-pool hop
            // first and then the grain's.
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(true);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        Interlocked.Increment(ref _playing);
        return new Slot(this);
    }

    public void Dispose() => _slots.Dispose();

    private void Release()
    {
        Interlocked.Decrement(ref _playing);
        _slots.Release();
    }

    /// <summary>A held slot; <see cref="Ended"/> counts how the episode ended.</summary>
    public sealed class Slot : IDisposable
    {
        private EpisodeSlots? _owner;

        internal Slot(EpisodeSlots owner) => _owner = owner;

        public void Ended(bool failed)
        {
            if (_owner is { } owner)
            {
                Interlocked.Increment(ref failed ? ref owner._failed : ref owner._completed);
            }
        }

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
