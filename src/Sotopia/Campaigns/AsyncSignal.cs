namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>A wake-up for one waiter: <see cref="Set"/> ends the current (or next) wait early. Several sets before a
/// wait count as one. Waits run on the caller's context (a grain's scheduler) and measure time with the given
/// <see cref="TimeProvider"/>, so tests drive them with a fake clock.</summary>
public sealed class AsyncSignal
{
    private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => _set.TrySetResult();

    /// <summary>Waits until <see cref="Set"/> is called or <paramref name="timeout"/> passes; true when it was set.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var set = _set.Task;
        if (!set.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, timeoutCts.Token);
            await Task.WhenAny(set, delay);
            await timeoutCts.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
        var wasSet = set.IsCompleted;
        if (wasSet)
        {
            _set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return wasSet;
    }
}
