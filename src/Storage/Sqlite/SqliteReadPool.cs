using System.Collections.Concurrent;

namespace SotopiaPi.Storage;

/// <summary>A small pool of read-only connections with their prepared commands. WAL lets them read the last
/// committed state while the writer writes.</summary>
internal sealed class SqliteReadPool : IDisposable
{
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private readonly SemaphoreSlim _slots;
    private readonly string _connectionString;
    private readonly string[] _pragmas;
    private readonly string _path;
    private int _disposed;

    public SqliteReadPool(string connectionString, string[] pragmas, string path, int size)
    {
        _connectionString = connectionString;
        _pragmas = pragmas;
        _path = path;
        _slots = new SemaphoreSlim(size, size);
    }

    /// <summary>Runs <paramref name="work"/> on a pooled read connection. With <paramref name="snapshot"/>
    /// all its statements read one consistent snapshot (one read transaction).</summary>
    public async Task<T> ReadAsync<T>(string operation, Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            if (!_idle.TryTake(out session))
            {
                session = SqliteSession.Open(_connectionString, _pragmas);
            }
            T result;
            if (snapshot)
            {
                session.Execute("BEGIN");
                try
                {
                    result = work(session);
                }
                finally
                {
                    session.Execute("COMMIT");
                }
            }
            else
            {
                result = work(session);
            }
            _idle.Add(session);
            session = null;
            if (Volatile.Read(ref _disposed) != 0)
            {
                // Closed while this read ran: close what was just returned.
                DrainIdle();
            }
            return result;
        }
        catch (Microsoft.Data.Sqlite.SqliteException error)
        {
            throw SqliteErrors.WithPath(error, _path, operation);
        }
        finally
        {
            // A session that failed is not returned to the pool.
            session?.Dispose();
            _slots.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        DrainIdle();
    }

    private void DrainIdle()
    {
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
