using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>Reads the next notification, failing (not hanging) if none comes within a minute.</summary>
    protected static async Task<StoreNotification> NextAsync(IAsyncEnumerator<StoreNotification> notifications, string expecting)
    {
        var next = notifications.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromMinutes(1))) != next)
        {
            Assert.Fail($"No store notification arrived within a minute; expected {expecting}.");
        }
        Assert.True(await next, $"The notification stream ended; expected {expecting}.");
        return notifications.Current;
    }

    [Fact]
    public async Task EveryChangeKindIsNotifiedAfterAnInitialResync()
    {
        var store = await NewStoreAsync();
        var notifications = Assert.IsAssignableFrom<IStoreNotifications>(store);
        using var stop = new CancellationTokenSource();
        await using var stream = notifications.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.Equal(StoreNotification.Resync, await NextAsync(stream, "the initial resync"));

        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.RegisterVersionAsync(Version("pol", 0, null, Start)); // already there: no notification
        await store.ActivateAsync("pol", 0);
        var ids = await SeedEpisodesAsync(store, "c-n", 3);
        var claimed = await store.ClaimEpisodesAsync("silo-a", 1, LeaseTime);
        await store.CompleteEpisodeAsync(claimed[0].Lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "broke", Start));
        await store.CancelEpisodesAsync("c-n");
        await store.CancelEpisodesAsync("c-n"); // nothing left to cancel: no notification
        await store.CreateTrainingRequestAsync(Training("tr-n", Start));
        var training = await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime);
        await store.CompleteTrainingRequestAsync(training!.Value.Lease, TrainingStatus.Succeeded, 1, null);

        StoreNotification[] expected =
        [
            StoreNotification.PolicyVersionPublished("pol", 0),
            StoreNotification.PolicyVersionActivated("pol", 0),
            StoreNotification.EpisodesCreated("c-n", ids.Count),
            StoreNotification.EpisodesFinished("c-n"),
            StoreNotification.EpisodesFinished("c-n"),
            StoreNotification.TrainingRequestChanged("tr-n", TrainingStatus.Pending),
            StoreNotification.TrainingRequestChanged("tr-n", TrainingStatus.Running),
            StoreNotification.TrainingRequestChanged("tr-n", TrainingStatus.Succeeded),
        ];
        foreach (var notification in expected)
        {
            Assert.Equal(notification, await NextAsync(stream, notification.ToString()));
        }
    }

    [Fact]
    public async Task SubscriptionEndsWhenCancelledOrWhenTheStoreCloses()
    {
        var store = await NewStoreAsync();
        var notifications = Assert.IsAssignableFrom<IStoreNotifications>(store);
        using var stop = new CancellationTokenSource();
        await using var cancelled = notifications.SubscribeAsync(stop.Token).GetAsyncEnumerator();
        await using var closed = notifications.SubscribeAsync().GetAsyncEnumerator();
        Assert.Equal(StoreNotification.Resync, await NextAsync(cancelled, "the initial resync"));
        Assert.Equal(StoreNotification.Resync, await NextAsync(closed, "the initial resync"));

        await stop.CancelAsync();
        Assert.False(await cancelled.MoveNextAsync());
        await store.DisposeAsync();

        Assert.False(await closed.MoveNextAsync());
    }
}
