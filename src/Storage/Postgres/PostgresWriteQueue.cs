using System.Threading.Channels;
using Npgsql;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>Group commit for the hot writes (turn appends, episode completions): callers queue items; a writer
/// loop (a few run side by side, so one batch fills while another commits) drains whatever is queued (up to the
/// batch size), sends every item's statement in ONE pipelined
/// <see cref="NpgsqlBatch"/> inside ONE transaction on a pooled connection, commits once, and only then
/// completes each caller. Items never fail the transaction on their own checks (a stale fence or a gap is a
/// value in their result row), so each one is judged individually while the rest commits.
/// <para>Failures: a deadlock or serialisation conflict re-runs the batch; a lost connection before COMMIT was
/// sent re-runs it once on a fresh connection (the server rolled it back), otherwise every caller of the
/// batch gets the <see cref="NpgsqlException"/>; a statement error of one item (bad data) re-runs the items
/// one per transaction so only that one fails. The loop itself always goes on with the next batch.</para></summary>
internal sealed class PostgresWriteQueue : IAsyncDisposable
{
    private const int MaxConflictRetries = 5;

    private readonly Channel<PostgresWriteItem> _channel =
        Channel.CreateUnbounded<PostgresWriteItem>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private readonly int _maxBatchSize;
    private readonly Action _onConnectionFailure;
    private readonly Action _onStaleWrite;
    private readonly Task[] _loops;
    private long _batches;
    private long _items;

    public PostgresWriteQueue(NpgsqlDataSource dataSource, string description, int maxBatchSize, int writers, Action onConnectionFailure, Action onStaleWrite)
    {
        _dataSource = dataSource;
        _description = description;
        _maxBatchSize = maxBatchSize;
        _onConnectionFailure = onConnectionFailure;
        _onStaleWrite = onStaleWrite;
        _loops = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>Committed transactions so far (for measurements).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items executed in committed transactions so far (for measurements).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Queues one statement; the task completes after the transaction that ran it committed.</summary>
    public Task<T> EnqueueAsync<T>(string operation, Func<NpgsqlBatchCommand> command, Func<NpgsqlDataReader, T> interpret, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        var item = new PostgresWriteItem<T>(operation, command, interpret, cancellationToken);
        if (!_channel.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(PostgresSotopiaStore), $"The {_description} is closed.");
        }
        item.RegisterCancellation();
        return item.Task;
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<PostgresWriteItem>(Math.Min(_maxBatchSize, 4096));
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
                await ExecuteAsync(batch).ConfigureAwait(false);
            }
            catch (Exception unexpected)
            {
                // ExecuteAsync completes every item itself; this only guards the loop against a bug.
                foreach (var item in batch)
                {
                    item.Fail(unexpected);
                }
            }
            batch.Clear();
        }
    }

    private async Task ExecuteAsync(List<PostgresWriteItem> batch)
    {
        var conflicts = 0;
        var reconnected = false;
        while (true)
        {
            var committing = false;
            try
            {
                await using (var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false))
                await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
                await using (var npgsqlBatch = new NpgsqlBatch(connection, transaction))
                {
                    foreach (var item in batch)
                    {
                        item.Error = null;
                        npgsqlBatch.BatchCommands.Add(item.CreateCommand());
                    }
                    await using (var reader = await npgsqlBatch.ExecuteReaderAsync().ConfigureAwait(false))
                    {
                        for (var i = 0; i < batch.Count; i++)
                        {
                            if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                            {
                                throw new InvalidOperationException($"{_description}: the group-commit batch returned {i} results for {batch.Count} statements.");
                            }
                            var item = batch[i];
                            if (!await reader.ReadAsync().ConfigureAwait(false))
                            {
                                item.Error = new InvalidOperationException($"{_description}: {item.Operation} returned no result row.");
                                continue;
                            }
                            try
                            {
                                item.Interpret(reader);
                            }
                            catch (Exception error) when (error is not NpgsqlException)
                            {
                                item.Error = error;
                            }
                        }
                    }
                    committing = true;
                    await transaction.CommitAsync().ConfigureAwait(false);
                }
            }
            catch (Exception error) when (PostgresErrors.IsConflict(error) && conflicts < MaxConflictRetries)
            {
                conflicts++;
                continue;
            }
            catch (Exception error) when (PostgresErrors.IsConnectionFailure(error))
            {
                _onConnectionFailure();
                if (!committing && !reconnected)
                {
                    // The server never committed it: run it again once on a fresh connection.
                    reconnected = true;
                    continue;
                }
                FailAll(batch, error);
                return;
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // One item's statement failed (bad data): run them one per transaction, so only that one fails.
                foreach (var item in batch)
                {
                    await ExecuteAsync([item]).ConfigureAwait(false);
                }
                return;
            }
            catch (Exception error)
            {
                FailAll(batch, error);
                return;
            }

            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _items, batch.Count);
            foreach (var item in batch)
            {
                if (item.Error is StaleWriteException)
                {
                    _onStaleWrite();
                }
                item.Finish();
            }
            return;
        }
    }

    private static void FailAll(List<PostgresWriteItem> batch, Exception error)
    {
        foreach (var item in batch)
        {
            item.Fail(error);
        }
    }

    /// <summary>Stops accepting writes and runs what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }
}
