using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace SotopiaPi.Storage;

/// <summary>Group commit: every write of the store is queued here; one writer thread owns the only write
/// connection, drains whatever is queued (up to the batch size), runs each item in ONE transaction — checking
/// and failing items individually — commits once, and only then completes each caller.</summary>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    private const string SavepointName = "item";

    private readonly Channel<WriteItem> _channel =
        Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly SqliteSession _session;
    private readonly string _path;
    private readonly int _maxBatchSize;
    private readonly Task _loop;
    private long _batches;
    private long _items;

    public SqliteWriteQueue(SqliteSession session, string path, int maxBatchSize)
    {
        _session = session;
        _path = path;
        _maxBatchSize = maxBatchSize;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Committed transactions so far (for measurements).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items executed in committed transactions so far (for measurements).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Queues <paramref name="work"/>; the task completes after the transaction that ran it committed.</summary>
    public Task<T> EnqueueAsync<T>(string operation, bool needsSavepoint, Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        var item = new WriteItem<T>(operation, needsSavepoint, work, cancellationToken);
        if (!_channel.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(SqliteSotopiaStore), $"The SQLite store '{_path}' is closed.");
        }
        item.RegisterCancellation();
        return item.Task;
    }

    private void Run()
    {
        var reader = _channel.Reader;
        var batch = new List<WriteItem>(Math.Min(_maxBatchSize, 4096));
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
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
                ExecuteBatch(batch);
            }
            catch (Exception unexpected)
            {
                // ExecuteBatch completes every item itself; this only guards the loop against a bug.
                foreach (var item in batch)
                {
                    item.Fail(unexpected);
                }
            }
            batch.Clear();
        }
    }

    private void ExecuteBatch(List<WriteItem> batch)
    {
        try
        {
            _session.Execute("BEGIN IMMEDIATE");
        }
        catch (Exception error)
        {
            FailAll(batch, error, "begin transaction");
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            if (!TryExecute(item))
            {
                // The transaction itself is gone (I/O error, disk full …): nothing of this batch is durable.
                RollbackQuietly();
                FailAll(batch, item.Error!, item.Operation);
                return;
            }
        }

        try
        {
            _session.Execute("COMMIT");
        }
        catch (Exception error)
        {
            RollbackQuietly();
            FailAll(batch, error, "commit");
            return;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        foreach (var item in batch)
        {
            item.Finish();
        }
    }

    /// <summary>Runs one item; a failure of the item's own checks is recorded on it and undone. Returns false
    /// only when the surrounding transaction was lost.</summary>
    private bool TryExecute(WriteItem item)
    {
        try
        {
            if (item.NeedsSavepoint)
            {
                _session.Execute("SAVEPOINT " + SavepointName);
            }
            item.Execute(_session);
            if (item.NeedsSavepoint)
            {
                _session.Execute("RELEASE " + SavepointName);
            }
            return true;
        }
        catch (Exception error)
        {
            item.Error = SqliteErrors.Describe(error, _path, item.Operation);
            if (!_session.InTransaction)
            {
                return false;
            }
            if (item.NeedsSavepoint)
            {
                try
                {
                    _session.Execute("ROLLBACK TO " + SavepointName);
                    _session.Execute("RELEASE " + SavepointName);
                }
                catch (SqliteException)
                {
                    return false;
                }
            }
            return true;
        }
    }

    private void RollbackQuietly()
    {
        try
        {
            if (_session.InTransaction)
            {
                _session.Execute("ROLLBACK");
            }
        }
        catch (SqliteException)
        {
            // The connection is broken; the next BEGIN reports it to its callers.
        }
    }

    private void FailAll(List<WriteItem> batch, Exception error, string operation)
    {
        var described = SqliteErrors.Describe(error, _path, operation);
        foreach (var item in batch)
        {
            item.Fail(described);
        }
    }

    /// <summary>Stops accepting writes, runs what is queued, then closes the write connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _session.Dispose();
    }
}
