using System.Collections.Concurrent;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The client side of <see cref="IReminderProbeObserver"/>: one task per (grain, reminder) that completes
/// the first time that reminder fires.</summary>
internal sealed class ReminderProbeObserver : IReminderProbeObserver
{
    private readonly ConcurrentDictionary<(string Grain, string Reminder), TaskCompletionSource> _fired = new();

    public Task FiredAsync(string grainKey, string reminderName) => Get(grainKey, reminderName).Task;

    public Task ReminderFiredAsync(string grainKey, string reminderName)
    {
        Get(grainKey, reminderName).TrySetResult();
        return Task.CompletedTask;
    }

    private TaskCompletionSource Get(string grainKey, string reminderName) =>
        _fired.GetOrAdd((grainKey, reminderName), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
