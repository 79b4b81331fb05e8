namespace SotopiaPi.TestInfrastructure;

/// <summary>Holds agents at a turn: decisions for turns before <c>openTurns</c> pass, later ones wait until
/// <see cref="Open"/> (or until their episode is cancelled). Tests wait for "n agents are held" instead of
/// sleeping, so "mid-campaign" is an exact state.</summary>
public sealed class PolicyGate(int openTurns)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _watchers = [];
    private int _held;

    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    public void Open() => _open.TrySetResult();

    public async ValueTask PassAsync(int turnNumber, CancellationToken cancellationToken)
    {
        if (turnNumber < openTurns || _open.Task.IsCompleted)
        {
            return;
        }
        Change(+1);
        try
        {
            await _open.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Change(-1);
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> agents are held at the gate at once.</summary>
    public Task WhenHeldAsync(int count)
    {
        lock (_lock)
        {
            if (_held >= count)
            {
                return Task.CompletedTask;
            }
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((count, signal));
            return signal.Task;
        }
    }

    private void Change(int delta)
    {
        lock (_lock)
        {
            _held += delta;
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (_held >= _watchers[i].Count)
                {
                    _watchers[i].Signal.TrySetResult();
                    _watchers.RemoveAt(i);
                }
            }
        }
    }
}
