using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Storage.Tests;

/// <summary>The fan-out behind both stores' notifications: overflow and reconnection become Resyncs.</summary>
public sealed class StoreNotificationHubTests
{
    [Fact]
    public async Task SubscriberThatFallsBehindGetsAResyncAfterWhatItKept()
    {
        var hub = new StoreNotificationHub(capacity: 2, listening: true);
        await using var stream = hub.Subscribe(CancellationToken.None).GetAsyncEnumerator();

        hub.Publish(StoreNotification.EpisodesFinished("a"));
        hub.Publish(StoreNotification.EpisodesFinished("b"));
        hub.Publish(StoreNotification.EpisodesFinished("c"));

        Assert.Equal(
            [StoreNotification.Resync, StoreNotification.EpisodesFinished("a"), StoreNotification.Resync],
            [await NextAsync(stream), await NextAsync(stream), await NextAsync(stream)]);
        hub.Publish(StoreNotification.EpisodesFinished("d"));
        Assert.Equal(StoreNotification.EpisodesFinished("d"), await NextAsync(stream));
    }

    [Fact]
    public async Task SubscribersWaitForListeningAndResyncAfterEveryReconnection()
    {
        var hub = new StoreNotificationHub(capacity: 100, listening: false);
        await using var stream = hub.Subscribe(CancellationToken.None).GetAsyncEnumerator();
        var first = stream.MoveNextAsync().AsTask();
        Assert.False(first.IsCompleted);

        hub.SetListening(true);
        Assert.True(await first);
        Assert.Equal(StoreNotification.Resync, stream.Current);
        hub.Publish(StoreNotification.PolicyVersionPublished("p", 3));
        hub.SetListening(false);
        hub.SetListening(true);
        hub.Close();

        Assert.Equal(StoreNotification.PolicyVersionPublished("p", 3), await NextAsync(stream));
        Assert.Equal(StoreNotification.Resync, await NextAsync(stream));
        Assert.False(await stream.MoveNextAsync());
        await using var late = hub.Subscribe(CancellationToken.None).GetAsyncEnumerator();
        Assert.False(await late.MoveNextAsync());
    }

    private static async Task<StoreNotification> NextAsync(IAsyncEnumerator<StoreNotification> stream)
    {
        Assert.True(await stream.MoveNextAsync(), "the stream ended");
        return stream.Current;
    }
}
