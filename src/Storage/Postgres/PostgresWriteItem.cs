using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>One queued group-commit write: a single statement that never fails on its own checks (it reports
/// them in its one result row instead), so many of them share one transaction and each is judged on its own.</summary>
internal abstract class PostgresWriteItem
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

    protected PostgresWriteItem(string operation)
    {
        Operation = operation;
    }

    /// <summary>What the write does, for error messages.</summary>
    public string Operation { get; }

    /// <summary>Set when the item's result row says it must fail (stale lease, gap …); reset before a retry.</summary>
    public Exception? Error { get; set; }

    /// <summary>Claims the item for execution; false when its caller cancelled it while it was queued.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    /// <summary>The statement (built again for every attempt: it reads the clock).</summary>
    public abstract NpgsqlBatchCommand CreateCommand();

    /// <summary>Reads the statement's result row (the reader is on it); throws what the caller must get.</summary>
    public abstract void Interpret(NpgsqlDataReader reader);

    /// <summary>Completes the caller after the commit: with the result, or with <see cref="Error"/>.</summary>
    public abstract void Finish();

    /// <summary>Fails the caller (the batch could not commit).</summary>
    public abstract void Fail(Exception error);
}
