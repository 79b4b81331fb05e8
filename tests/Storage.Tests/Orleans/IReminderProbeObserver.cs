namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>Told by a <see cref="IReminderProbeGrain"/> each time one of its reminders fires.</summary>
public interface IReminderProbeObserver : IGrainObserver
{
    Task ReminderFiredAsync(string grainKey, string reminderName);
}
