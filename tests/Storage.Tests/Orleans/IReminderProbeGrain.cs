namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>A grain whose reminders report to an observer.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Activates the grain and makes <paramref name="observer"/> the one its reminders report to.</summary>
    Task WatchAsync(IReminderProbeObserver observer);

    /// <summary>Registers (or updates) a reminder due at once, then every <paramref name="period"/>.</summary>
    Task RegisterAsync(string reminderName, TimeSpan period);

    /// <summary>Unregisters the reminder (it must exist).</summary>
    Task UnregisterAsync(string reminderName);
}
