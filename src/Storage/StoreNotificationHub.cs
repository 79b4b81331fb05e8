using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Fans store notifications out to subscribers (<see cref="IStoreNotifications"/>). Each subscriber has
/// a bounded queue; one that falls behind loses the overflow and gets a <see cref="StoreNotification.Resync"/>
/// after it drained what it has. While the hub is not <c>listening</c> (the PostgreSQL listener is
/// reconnecting) new subscribers wait for the <c>Resync</c> that starts their stream.</summary>
internal sealed class StoreNotificationHub
{
    private readonly object _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly int _capacity;
    private bool _listening;
    private bool _closed;

    public StoreNotificationHub(int capacity, bool listening)
    {
        _capacity = capacity;
        _listening = listening;
    }

    /// <summary>Registers a subscriber now and returns its stream (see <see cref="IStoreNotifications.SubscribeAsync"/>).</summary>
    public IAsyncEnumerable<StoreNotification> Subscribe(CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(_capacity);
        lock (_gate)
        {
            if (_closed)
            {
                subscriber.Channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(subscriber);
                if (_listening)
                {
                    subscriber.Channel.Writer.TryWrite(StoreNotification.Resync);
                }
            }
        }
        // A subscriber that is never enumerated still goes away when its token is cancelled.
        var registration = cancellationToken.Register(static state =>
        {
            var (hub, subscriber) = ((StoreNotificationHub, Subscriber))state!;
            hub.Remove(subscriber);
        }, (this, subscriber));
        return ReadAsync(subscriber, registration, cancellationToken);
    }

    /// <summary>Delivers a notification to every current subscriber.</summary>
    public void Publish(StoreNotification notification)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(notification);
            }
        }
    }

    public void PublishAll(IEnumerable<StoreNotification> notifications)
    {
        lock (_gate)
        {
            foreach (var notification in notifications)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Offer(notification);
                }
            }
        }
    }

    /// <summary>The source of notifications is connected (true: every subscriber gets a Resync) or not.</summary>
    public void SetListening(bool listening)
    {
        lock (_gate)
        {
            if (_listening == listening)
            {
                return;
            }
            _listening = listening;
            if (listening)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Offer(StoreNotification.Resync);
                }
            }
        }
    }

    /// <summary>Ends every subscription (their streams complete) and refuses new ones.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Channel.Writer.TryComplete();
            }
            _subscribers.Clear();
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
        subscriber.Channel.Writer.TryComplete();
    }

    private async IAsyncEnumerable<StoreNotification> ReadAsync(
        Subscriber subscriber, CancellationTokenRegistration registration, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = subscriber.Channel.Reader;
        try
        {
            while (true)
            {
                try
                {
                    if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                while (reader.TryRead(out var notification))
                {
                    yield return notification;
                }
                if (subscriber.TakeMissed())
                {
                    yield return StoreNotification.Resync;
                }
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            Remove(subscriber);
        }
    }

    private sealed class Subscriber(int capacity)
    {
        private int _missed;

        public Channel<StoreNotification> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<StoreNotification>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

        public void Offer(StoreNotification notification)
        {
            if (!Channel.Writer.TryWrite(notification))
            {
                Volatile.Write(ref _missed, 1);
            }
        }

        public bool TakeMissed() => Interlocked.Exchange(ref _missed, 0) == 1;
    }
}
