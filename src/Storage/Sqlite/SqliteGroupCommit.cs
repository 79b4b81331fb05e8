using Microsoft.Data.Sqlite;

namespace SotopiaPi.Storage;

/// <summary>The SQLite store's group commit: one writer loop owns the only write connection and runs each batch in
/// ONE <c>BEGIN IMMEDIATE … COMMIT</c>, checking and failing items individually (a savepoint undoes a
/// multi-statement item that failed half-way), and completes every caller only after the commit.</summary>
internal sealed class SqliteGroupCommit : GroupCommitQueue<SqliteWrite>
{
    private const string SavepointName = "item";

    private readonly SqliteSession _session;
    private readonly string _path;

    public SqliteGroupCommit(SqliteSession session, string path, int maxBatchSize)
        : base($"SQLite store '{path}'", maxBatchSize)
    {
        _session = session;
        _path = path;
        Start(writers: 1);
    }

    protected override ValueTask ExecuteBatchAsync(List<GroupCommitItem<SqliteWrite>> batch)
    {
        try
        {
            _session.Execute("BEGIN IMMEDIATE");
        }
        catch (Exception error)
        {
            FailAll(batch, error, "begin transaction");
            return ValueTask.CompletedTask;
        }

        foreach (var item in batch)
        {
            if (!TryExecute(item))
            {
                // The transaction itself is gone (I/O error, disk full …): nothing of this batch is durable.
                RollbackQuietly();
                FailAll(batch, item.Error!, item.Operation);
                return ValueTask.CompletedTask;
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
            return ValueTask.CompletedTask;
        }

        Committed(batch.Count);
        foreach (var item in batch)
        {
            item.Finish();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs one item; a failure of the item's own checks is recorded on it and undone. Returns false
    /// only when the surrounding transaction was lost.</summary>
    private bool TryExecute(GroupCommitItem<SqliteWrite> item)
    {
        var needsSavepoint = item.Work.NeedsSavepoint;
        try
        {
            if (needsSavepoint)
            {
                _session.Execute("SAVEPOINT " + SavepointName);
            }
            item.Result = item.Work.Execute(_session);
            if (needsSavepoint)
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
            if (needsSavepoint)
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

    private void FailAll(List<GroupCommitItem<SqliteWrite>> batch, Exception error, string operation)
    {
        var described = SqliteErrors.Describe(error, _path, operation);
        foreach (var item in batch)
        {
            item.Fail(described);
        }
    }

    protected override ValueTask DisposeCoreAsync()
    {
        _session.Dispose();
        return ValueTask.CompletedTask;
    }
}
