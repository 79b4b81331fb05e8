using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>The PostgreSQL store's group commit for the hot writes (turn appends, episode completions): a few writer
/// loops run side by side (one batch fills while another commits); each sends its batch's statements as ONE
/// pipelined <see cref="NpgsqlBatch"/> inside ONE transaction on a pooled connection, commits once, and only then
/// completes each caller.
/// <para>Failures: a deadlock or serialisation conflict re-runs the batch; a lost connection before COMMIT was
/// sent, or a session the server ended for idling in the transaction, re-runs it once on a fresh connection (the
/// server rolled it back), otherwise every caller of the batch gets the <see cref="NpgsqlException"/>; a statement error of one item (bad data, a lock timeout) re-runs the
/// items one per transaction so only that one fails. The loop itself always goes on with the next batch.</para></summary>
internal sealed class PostgresGroupCommit : GroupCommitQueue<PostgresWrite>
{
    private const int MaxConflictRetries = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private readonly Action<Exception> _onConnectionFailure;

    public PostgresGroupCommit(NpgsqlDataSource dataSource, string description, int maxBatchSize, int writers, Action<Exception> onConnectionFailure)
        : base(description, maxBatchSize)
    {
        _dataSource = dataSource;
        _description = description;
        _onConnectionFailure = onConnectionFailure;
        Start(writers);
    }

    protected override async ValueTask ExecuteBatchAsync(List<GroupCommitItem<PostgresWrite>> batch)
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
                        item.Result = null;
                        npgsqlBatch.BatchCommands.Add(item.Work.CreateCommand());
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
                                item.Result = item.Work.Interpret(reader);
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
                _onConnectionFailure(error);
                if ((!committing || PostgresErrors.EndedIdleTransaction(error)) && !reconnected)
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
                // One item's statement failed (bad data, a row locked past lock_timeout): run them one per
                // transaction, so only that one fails.
                foreach (var item in batch)
                {
                    await ExecuteBatchAsync([item]).ConfigureAwait(false);
                }
                return;
            }
            catch (Exception error)
            {
                FailAll(batch, error);
                return;
            }

            Committed(batch.Count);
            foreach (var item in batch)
            {
                item.Finish();
            }
            return;
        }
    }

    private static void FailAll(List<GroupCommitItem<PostgresWrite>> batch, Exception error)
    {
        foreach (var item in batch)
        {
            item.Fail(error);
        }
    }
}
