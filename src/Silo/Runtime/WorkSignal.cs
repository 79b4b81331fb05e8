namespace SotopiaPi.Silo.Runtime;

/// <summary>Wakes an idle scheduler early: set when there may be new work (episodes created, a slot freed).
/// Several sets before a wait count as one.</summary>
public sealed class WorkSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already set by a concurrent caller.
        }
    }

    /// <summary>Waits until set or until the timeout passes; returns whether it was set.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
