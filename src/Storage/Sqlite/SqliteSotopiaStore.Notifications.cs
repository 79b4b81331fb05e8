using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    /// <summary>In-process notifications: the subscribers of this store instance see the changes written through
    /// it, raised right after the commit (another process or another instance on the same file sees nothing).
    /// The first item is a Resync, delivered at once.</summary>
    public IAsyncEnumerable<StoreNotification> SubscribeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _hub.Subscribe(cancellationToken);
    }
}
