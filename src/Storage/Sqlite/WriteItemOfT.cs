namespace SotopiaPi.Storage;

internal sealed class WriteItem<T> : WriteItem
{
    private readonly Func<SqliteSession, T> _work;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private T? _result;

    public WriteItem(string operation, bool needsSavepoint, Func<SqliteSession, T> work, CancellationToken cancellationToken)
        : base(operation, needsSavepoint)
    {
        _work = work;
        _cancellationToken = cancellationToken;
    }

    public Task<T> Task => _completion.Task;

    /// <summary>Lets the caller stop waiting if the item is still queued (it then never runs).</summary>
    public void RegisterCancellation()
    {
        if (_cancellationToken.CanBeCanceled)
        {
            _registration = _cancellationToken.Register(static state => ((WriteItem<T>)state!).OnCancelled(), this);
        }
    }

    private void OnCancelled()
    {
        if (TryCancel())
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }

    public override void Execute(SqliteSession session) => _result = _work(session);

    public override void Finish()
    {
        _registration.Dispose();
        if (Error is { } error)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception error)
    {
        _registration.Dispose();
        _completion.TrySetException(error);
    }
}
