using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Storage.Tests;

/// <summary>The store contract on PostgreSQL: every test gets a new database (CREATE DATABASE from template0),
/// dropped afterwards.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServerFixture server) : StoreContractTests
{
    private readonly List<string> _databases = [];
    private int _pageSize = SmallPageSize;

    protected override int LatestMigration => PostgresMigrations.All[^1].Version;

    protected override int MigrationBeforeDatasetVersions => 5;

    protected override async Task<ISotopiaStore> CreateStoreAsync(TimeProvider time, int pageSize)
    {
        var database = await server.CreateDatabaseAsync();
        _databases.Add(database);
        _pageSize = pageSize;
        return await PostgresSotopiaStore.OpenAsync(database, new PostgresStoreOptions { ReadPageSize = pageSize }, time);
    }

    protected override async Task<ISotopiaStore> ReopenStoreAsync(TimeProvider time) =>
        await PostgresSotopiaStore.OpenAsync(_databases[^1], new PostgresStoreOptions { ReadPageSize = _pageSize }, time);

    protected override async Task CreateDatabaseAtVersionAsync(int version)
    {
        _databases.Add(await server.CreateDatabaseAsync());
        await ExecuteSqlAsync(PostgresMigrations.CreateMigrationsTable);
        foreach (var migration in PostgresMigrations.All.Where(m => m.Version <= version))
        {
            await ExecuteSqlAsync(migration.Sql);
            await ExecuteSqlAsync($"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, 'applied by the test', 0)");
        }
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = await RawConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<string?> QuerySqlAsync(string sql)
    {
        await using var connection = await RawConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async Task<bool> TableExistsAsync(string table) =>
        await QuerySqlAsync($"SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'") is not null;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var database in _databases)
        {
            await server.DropDatabaseAsync(database);
        }
    }

    private async Task<NpgsqlConnection> RawConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_databases[^1]) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
