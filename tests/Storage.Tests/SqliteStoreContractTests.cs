using Microsoft.Data.Sqlite;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>The store contract on SQLite (a temporary file per test), plus what is particular to SQLite.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sotopia-store-tests", Guid.NewGuid().ToString("N"));

    private int _pageSize = SmallPageSize;

    private string DatabasePath => System.IO.Path.Combine(_folder, "nested", "store.db");

    protected override int LatestMigration => SqliteMigrations.All[^1].Version;

    protected override int MigrationBeforeDatasetVersions => 4;

    protected override async Task<ISotopiaStore> CreateStoreAsync(TimeProvider time, int pageSize)
    {
        _pageSize = pageSize;
        return await SqliteSotopiaStore.OpenAsync(DatabasePath, new SqliteStoreOptions { ReadPageSize = pageSize }, time);
    }

    protected override async Task<ISotopiaStore> ReopenStoreAsync(TimeProvider time) =>
        await SqliteSotopiaStore.OpenAsync(DatabasePath, new SqliteStoreOptions { ReadPageSize = _pageSize }, time);

    protected override Task CreateDatabaseAtVersionAsync(int version)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(DatabasePath)!);
        using var connection = RawConnection();
        Execute(connection, "PRAGMA journal_mode = WAL");
        Execute(connection, SqliteMigrations.CreateMigrationsTable);
        foreach (var migration in SqliteMigrations.All.Where(m => m.Version <= version))
        {
            Execute(connection, migration.Sql);
            Execute(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, 'applied by the test', 0)");
        }
        return Task.CompletedTask;
    }

    protected override Task ExecuteSqlAsync(string sql)
    {
        using var connection = RawConnection();
        Execute(connection, sql);
        return Task.CompletedTask;
    }

    protected override Task<string?> QuerySqlAsync(string sql)
    {
        using var connection = RawConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return Task.FromResult(value is null or DBNull ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override async Task<bool> TableExistsAsync(string table) =>
        await QuerySqlAsync($"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'") is not null;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private SqliteConnection RawConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Text(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    [Fact]
    public async Task OpenCreatesTheFolderAndFileInWalMode()
    {
        Assert.False(Directory.Exists(_folder));

        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.DisposeAsync();

        Assert.True(File.Exists(DatabasePath), $"{DatabasePath} was not created");
        Assert.Equal(DatabasePath, store.Path);
        using var connection = RawConnection();
        Assert.Equal("wal", Text(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task MigrationsAreRecordedOnceAcrossMigrateAndReopen()
    {
        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.MigrateAsync();
        await store.MigrateAsync();
        await store.DisposeAsync();
        store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.MigrateAsync();
        await store.DisposeAsync();

        using var connection = RawConnection();
        Assert.Equal(SqliteMigrations.All.Count, Scalar(connection, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(SqliteMigrations.All.Max(m => m.Version), Scalar(connection, "SELECT MAX(version) FROM schema_migrations"));
    }

    [Fact]
    public async Task WithoutMigrateOnOpenTheSchemaComesFromMigrateAsync()
    {
        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, new SqliteStoreOptions { MigrateOnOpen = false }, Time);
        try
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => store.GetCampaignAsync("c-1"));
            Assert.Contains(DatabasePath, error.Message);

            await store.MigrateAsync();

            Assert.Null(await store.GetCampaignAsync("c-1"));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task CorruptFileFailsWithItsPath()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllBytesAsync(DatabasePath, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 251)).ToArray());

        var error = await Assert.ThrowsAsync<SqliteException>(() => SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time));

        Assert.Contains(DatabasePath, error.Message);
        Assert.Equal(26, error.SqliteErrorCode); // SQLITE_NOTADB
    }

    [Fact]
    public async Task LockedFileFailsWithItsPath()
    {
        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.DisposeAsync();
        using var locker = RawConnection();
        using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<SqliteException>(() =>
            SqliteSotopiaStore.OpenAsync(DatabasePath, new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(200) }, Time));

        Assert.Contains(DatabasePath, error.Message);
        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public async Task BadStoredJsonIsAnErrorNotAnEmptyResult()
    {
        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.SaveCampaignAsync(Campaign("c-1", Start));
        using (var connection = RawConnection())
        using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE campaigns SET json = '{\"id\": 12' WHERE id = 'c-1'";
            update.ExecuteNonQuery();
        }

        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetCampaignAsync("c-1"));
            Assert.Contains(DatabasePath, error.Message);
            Assert.Contains("campaign 'c-1'", error.Message);
            await Assert.ThrowsAsync<InvalidDataException>(() => store.ListCampaignsAsync());
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClosedStoreRefusesWork()
    {
        var store = await SqliteSotopiaStore.OpenAsync(DatabasePath, time: Time);
        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SaveCampaignAsync(Campaign("c-1", Start)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetCampaignAsync("c-1"));
    }

    [Fact]
    public async Task InvalidOptionsAreNamed()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SqliteSotopiaStore.OpenAsync(DatabasePath,
            new SqliteStoreOptions { ReadConnections = 0, MaxBatchSize = -1 }, Time));

        Assert.Contains("ReadConnections", error.Message);
        Assert.Contains("MaxBatchSize", error.Message);
        Assert.False(Directory.Exists(_folder));
    }
}
