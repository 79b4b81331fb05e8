using Microsoft.Data.Sqlite;

namespace SotopiaPi.Storage;

/// <summary>One open connection with its prepared commands, reused by SQL text. Not thread-safe: a session
/// is used by one caller at a time (the writer thread, or a reader that rented it from the pool).</summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>Opens a connection and runs the given pragmas on it.</summary>
    public static SqliteSession Open(string connectionString, IEnumerable<string> pragmas)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var session = new SqliteSession(connection);
            foreach (var pragma in pragmas)
            {
                session.Command(pragma).ExecuteScalar();
            }
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The prepared command for <paramref name="sql"/>, with its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            try
            {
                command.Prepare();
            }
            catch
            {
                command.Dispose();
                throw;
            }
            _commands.Add(sql, command);
        }
        command.Parameters.Clear();
        return command;
    }

    /// <summary>Runs a statement without parameters (BEGIN, COMMIT, SAVEPOINT …).</summary>
    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    /// <summary>True while a transaction is open on the connection.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        Connection.Dispose();
    }
}
