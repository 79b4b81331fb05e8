using Npgsql;
using NpgsqlTypes;

namespace SotopiaPi.Storage;

/// <summary>Positional parameters (<c>$1, $2 …</c>) added in order, with their types (so NULLs are typed).</summary>
internal static class NpgsqlCommandExtensions
{
    public static NpgsqlCommand Text(this NpgsqlCommand command, string? value) => command.Add(value, NpgsqlDbType.Text);

    public static NpgsqlCommand Int(this NpgsqlCommand command, int? value) => command.Add(value, NpgsqlDbType.Integer);

    public static NpgsqlCommand Long(this NpgsqlCommand command, long? value) => command.Add(value, NpgsqlDbType.Bigint);

    public static NpgsqlCommand Add(this NpgsqlCommand command, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        return command;
    }

    public static NpgsqlBatchCommand Text(this NpgsqlBatchCommand command, string? value) => command.Add(value, NpgsqlDbType.Text);

    public static NpgsqlBatchCommand Int(this NpgsqlBatchCommand command, int? value) => command.Add(value, NpgsqlDbType.Integer);

    public static NpgsqlBatchCommand Long(this NpgsqlBatchCommand command, long? value) => command.Add(value, NpgsqlDbType.Bigint);

    public static NpgsqlBatchCommand Add(this NpgsqlBatchCommand command, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        return command;
    }

    /// <summary>The first column of the first row as text, or null when there is no row (or it is NULL).</summary>
    public static async Task<string?> ExecuteStringAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? reader.GetString(0) : null;
    }

    /// <summary>The first column of every row as text.</summary>
    public static async Task<List<string>> ExecuteStringsAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }
        return result;
    }

    /// <summary>The first column of the first row as a 64-bit integer (0 when there is no row).</summary>
    public static async Task<long> ExecuteInt64Async(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
