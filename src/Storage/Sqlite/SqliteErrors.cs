using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;

namespace SotopiaPi.Storage;

/// <summary>Puts the database path into SQLite errors so a corrupt, locked or unwritable file is named.</summary>
internal static class SqliteErrors
{
    public static SqliteException WithPath(SqliteException error, string path, string operation)
    {
        if (error.Message.Contains(path, StringComparison.Ordinal))
        {
            return error;
        }
        var wrapped = new SqliteException(
            $"SQLite store '{path}' failed during {operation}: {error.Message}",
            error.SqliteErrorCode,
            error.SqliteExtendedErrorCode);
        if (error.StackTrace is { } stack)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(wrapped, stack);
        }
        return wrapped;
    }

    /// <summary>Store errors pass through; SQLite errors get the path.</summary>
    public static Exception Describe(Exception error, string path, string operation) =>
        error is SqliteException sqlite ? WithPath(sqlite, path, operation) : error;
}
