namespace SotopiaPi.Storage;

/// <summary>One queued write: runs on the writer thread inside a group-commit transaction and completes its
/// caller only after that transaction committed (or fails it alone if its own checks failed).</summary>
internal abstract class WriteItem
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

    protected WriteItem(string operation, bool needsSavepoint)
    {
        Operation = operation;
        NeedsSavepoint = needsSavepoint;
    }

    /// <summary>What the write does, for error messages.</summary>
    public string Operation { get; }

    /// <summary>True when the item writes more than one statement, so a failure half-way must be undone with a
    /// savepoint. Items that check first and then write one statement need none (SQLite undoes a failed
    /// statement by itself).</summary>
    public bool NeedsSavepoint { get; }

    /// <summary>Set when <see cref="Execute"/> failed; the item is then failed after the batch commits.</summary>
    public Exception? Error { get; set; }

    /// <summary>Claims the item for execution; false when its caller cancelled it while it was queued.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>Cancels the item if it has not been taken yet.</summary>
    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    public abstract void Execute(SqliteSession session);

    /// <summary>Completes the caller after the commit: with the result, or with <see cref="Error"/>.</summary>
    public abstract void Finish();

    /// <summary>Fails the caller (the batch could not commit).</summary>
    public abstract void Fail(Exception error);
}
