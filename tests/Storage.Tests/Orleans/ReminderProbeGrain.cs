namespace SotopiaPi.Storage.Tests.Orleans;

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private IReminderProbeObserver? _observer;

    public Task WatchAsync(IReminderProbeObserver observer)
    {
        _observer = observer;
        return Task.CompletedTask;
    }

    public Task RegisterAsync(string reminderName, TimeSpan period) =>
        this.RegisterOrUpdateReminder(reminderName, TimeSpan.Zero, period);

    public async Task UnregisterAsync(string reminderName)
    {
        var reminder = await this.GetReminder(reminderName)
            ?? throw new InvalidOperationException($"Grain '{this.GetPrimaryKeyString()}' has no reminder '{reminderName}'.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        _observer?.ReminderFiredAsync(this.GetPrimaryKeyString(), reminderName) ?? Task.CompletedTask;
}
