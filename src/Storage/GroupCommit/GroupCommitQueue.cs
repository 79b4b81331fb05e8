using System.Threading.Channels;

namespace SotopiaPi.Storage;

/// <summary>Group commit, the one mechanism both stores use: callers queue writes; each writer loop drains
/// whatever is queued (up to the batch size), hands the batch to the database-specific
/// <see cref="ExecuteBatchAsync"/> (one transaction, each item judged on its own), and the executor completes
/// every caller only after the commit. A caller that cancels while its item is still queued gets
/// <see cref="OperationCanceledException"/> and the item never runs.</summary>
/// <typeparam name="TWork">What one write is for the database.</typeparam>
internal abstract class GroupCommitQueue<TWork> : IAsyncDisposable
{
    private readonly Channel<GroupCommitItem<TWork>> _channel =
        Channel.CreateUnbounded<GroupCommitItem<TWork>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly string _description;
    private readonly int _maxBatchSize;
    private Task[] _loops = [];
    private long _batches;
    private long _items;

    protected GroupCommitQueue(string description, int maxBatchSize)
    {
        _description = description;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>Committed transactions so far (for measurements).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items executed in committed transactions so far (for measurements).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Queues <paramref name="work"/>; the task completes after the transaction that ran it committed.</summary>
    public Task<object?> EnqueueAsync(string operation, TWork work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<object?>(cancellationToken);
        }
        var item = new GroupCommitItem<TWork>(operation, work, cancellationToken);
        if (!_channel.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(_description, $"The {_description} is closed.");
        }
        item.RegisterCancellation();
        return item.Task;
    }

    /// <summary>Starts the writer loops; called once by the derived constructor, when it is ready to execute.</summary>
    protected void Start(int writers) =>
        _loops = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync))];

    /// <summary>Runs the batch in one transaction and completes every item (<see cref="GroupCommitItem{TWork}.Finish"/>
    /// after the commit, <see cref="GroupCommitItem{TWork}.Fail"/> when it could not commit). Calls
    /// <see cref="Committed"/> for each committed transaction.</summary>
    protected abstract ValueTask ExecuteBatchAsync(List<GroupCommitItem<TWork>> batch);

    /// <summary>Counts a committed transaction of <paramref name="items"/> writes.</summary>
    protected void Committed(int items)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, items);
    }

    /// <summary>Closes what the executor holds, after the last batch ran.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<GroupCommitItem<TWork>>(Math.Min(_maxBatchSize, 4096));
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var item))
            {
                if (item.TryTake())
                {
                    batch.Add(item);
                }
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await ExecuteBatchAsync(batch).ConfigureAwait(false);
            }
            catch (Exception unexpected)
            {
                // The executor completes every item itself; this only guards the loop against a bug.
                foreach (var item in batch)
                {
                    item.Fail(unexpected);
                }
            }
            batch.Clear();
        }
    }

    /// <summary>Stops accepting writes, runs what is queued, then closes what the executor holds.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
    }
}
