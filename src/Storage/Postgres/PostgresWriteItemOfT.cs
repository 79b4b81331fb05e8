using Npgsql;

namespace SotopiaPi.Storage;

internal sealed class PostgresWriteItem<T> : PostgresWriteItem
{
    private readonly Func<NpgsqlBatchCommand> _command;
    private readonly Func<NpgsqlDataReader, T> _interpret;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private T? _result;

    public PostgresWriteItem(string operation, Func<NpgsqlBatchCommand> command, Func<NpgsqlDataReader, T> interpret, CancellationToken cancellationToken)
        : base(operation)
    {
        _command = command;
        _interpret = interpret;
        _cancellationToken = cancellationToken;
    }

    public Task<T> Task => _completion.Task;

    /// <summary>Lets the caller stop waiting while the item is still queued (it then never runs).</summary>
    public void RegisterCancellation()
    {
        if (_cancellationToken.CanBeCanceled)
        {
            _registration = _cancellationToken.Register(static state => ((PostgresWriteItem<T>)state!).OnCancelled(), this);
        }
    }

    private void OnCancelled()
    {
        if (TryCancel())
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }

    public override NpgsqlBatchCommand CreateCommand() => _command();

    public override void Interpret(NpgsqlDataReader reader) => _result = _interpret(reader);

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
