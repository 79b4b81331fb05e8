using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SotopiaPi.Storage;

internal static class SqliteCommandExtensions
{
    /// <summary>Adds a parameter (null becomes SQL NULL) and returns the command for chaining.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static long ExecuteInt64(this SqliteCommand command) =>
        Convert.ToInt64(command.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);

    /// <summary>The first column of the first row as text, or null when there is no row.</summary>
    public static string? ExecuteString(this SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? reader.GetString(0) : null;
    }

    /// <summary>The first column of every row as text.</summary>
    public static List<string> ExecuteStrings(this SqliteCommand command)
    {
        var result = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }
        return result;
    }
}
