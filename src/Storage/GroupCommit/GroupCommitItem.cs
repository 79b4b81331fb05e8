namespace SotopiaPi.Storage;

/// <summary>One queued write of a <see cref="GroupCommitQueue{TWork}"/>: what the database-specific batch
/// executor runs (<see cref="Work"/>), and the caller's task, completed only after the transaction that ran it
/// committed (or failed alone, with <see cref="Error"/>, when its own checks failed).</summary>
/// <typeparam name="TWork">What one write is for the database (a SQLite callback, a PostgreSQL statement).</typeparam>
internal sealed class GroupCommitItem<TWork>
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private int _state;

    public GroupCommitItem(string operation, TWork work, CancellationToken cancellationToken)
    {
        Operation = operation;
        Work = work;
        _cancellationToken = cancellationToken;
    }

    /// <summary>What the write does, for error messages.</summary>
    public string Operation { get; }

    public TWork Work { get; }

    /// <summary>The write's result, handed to the caller after the commit.</summary>
    public object? Result { get; set; }

    /// <summary>Set when the item's own checks failed (it is then undone and failed alone after the batch commits);
    /// reset before a batch is run again.</summary>
    public Exception? Error { get; set; }

    public Task<object?> Task => _completion.Task;

    /// <summary>Claims the item for execution; false when its caller cancelled it while it was queued.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>Lets the caller stop waiting while the item is still queued (it then never runs); once taken it
    /// runs to commit.</summary>
    public void RegisterCancellation()
    {
        if (_cancellationToken.CanBeCanceled)
        {
            _registration = _cancellationToken.Register(static state => ((GroupCommitItem<TWork>)state!).OnCancelled(), this);
        }
    }

    /// <summary>Completes the caller after the commit: with <see cref="Result"/>, or with <see cref="Error"/>.</summary>
    public void Finish()
    {
        _registration.Dispose();
        if (Error is { } error)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult(Result);
        }
    }

    /// <summary>Fails the caller: the batch could not commit, nothing of it is stored.</summary>
    public void Fail(Exception error)
    {
        _registration.Dispose();
        _completion.TrySetException(error);
    }

    private void OnCancelled()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }
}
