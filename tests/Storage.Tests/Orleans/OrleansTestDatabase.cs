using Npgsql;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>A new database with the project's migrations applied (as a silo applies them when it opens its store),
/// and direct reads of the Orleans tables.</summary>
internal static class OrleansTestDatabase
{
    public static async Task<string> CreateMigratedAsync(PostgresServerFixture server)
    {
        var database = await server.CreateDatabaseAsync();
        await using var store = await PostgresSotopiaStore.OpenAsync(database);
        return database;
    }

    /// <summary>Runs <paramref name="sql"/> with named parameters (<c>@name</c>) and returns every row.</summary>
    public static async Task<List<object?[]>> QueryAsync(string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Runs a statement (with named parameters) and returns the number of rows it affected.</summary>
    public static async Task<int> ExecuteAsync(string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The membership rows of a cluster: "address:port:generation" → (status, suspect_times).</summary>
    public static async Task<Dictionary<string, (int Status, string? SuspectTimes)>> MembershipAsync(string database, string clusterId)
    {
        var rows = await QueryAsync(database,
            "SELECT address, port, generation, status, suspect_times FROM orleans_membership WHERE deployment_id = @cluster",
            ("cluster", clusterId));
        return rows.ToDictionary(
            row => $"{row[0]}:{row[1]}:{row[2]}",
            row => ((int)row[3]!, (string?)row[4]));
    }

    /// <summary>The key <see cref="MembershipAsync"/> uses for a silo.</summary>
    public static string Key(SiloAddress silo) => $"{silo.Endpoint.Address}:{silo.Endpoint.Port}:{silo.Generation}";
}
