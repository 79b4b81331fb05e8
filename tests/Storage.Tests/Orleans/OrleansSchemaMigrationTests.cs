using System.Reflection;
using Orleans.Configuration;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The migration that creates the Orleans tables and stored queries: complete for the providers this
/// build ships, idempotent, and safe when several silos run it at once.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class OrleansSchemaMigrationTests(PostgresServerFixture server) : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public Task DisposeAsync() => server.DropDatabaseAsync(_database);

    [Fact]
    public async Task TheStoredQueriesAreEveryKeyTheProvidersRequire()
    {
        await using (await PostgresSotopiaStore.OpenAsync(_database))
        {
        }
        var stored = (await OrleansTestDatabase.QueryAsync(_database, "SELECT QueryKey FROM OrleansQuery"))
            .Select(row => (string)row[0]!).Order(StringComparer.Ordinal).ToList();

        // What each provider assembly checks at start-up: DbStoredQueries' instance properties (one per key).
        var required = new[] { typeof(AdoNetClusteringSiloOptions).Assembly, typeof(AdoNetReminderTableOptions).Assembly }
            .Select(assembly => assembly.GetTypes().Single(t => t.Name == "DbStoredQueries"))
            .SelectMany(type => type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name))
            .Order(StringComparer.Ordinal).ToList();
        // The optional key 10.4.2's clustering provider prefers for cleaning up (it looks it up by name).
        string[] optional = ["CleanupDefunctSiloEntryKey"];

        Assert.Equal(required.Concat(optional).Order(StringComparer.Ordinal), stored);
        Assert.Equal(PostgresOrleansSchema.Queries.Select(q => q.Key).Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task SilosMigratingAtOnceApplyTheOrleansMigrationOnceAndAgainChangesNothing()
    {
        var version = PostgresMigrations.All.Single(m => m.Sql == PostgresOrleansSchema.Sql).Version;
        // Each store has its own data source (pool), as separate processes would; they all start on the same gate.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var silos = Enumerable.Range(0, 4).Select(async _ =>
        {
            await gate.Task;
            return await PostgresSotopiaStore.OpenAsync(_database);
        }).ToList();
        gate.SetResult();
        var stores = await Task.WhenAll(silos);
        var before = await SnapshotAsync();

        foreach (var store in stores)
        {
            await store.MigrateAsync();
            await store.DisposeAsync();
        }

        Assert.Equal(1L, (await OrleansTestDatabase.QueryAsync(_database,
            "SELECT count(*) FROM schema_migrations WHERE version = @version", ("version", version)))[0][0]);
        Assert.Equal(PostgresOrleansSchema.Queries.Count, before.Count);
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<List<string>> SnapshotAsync() =>
        (await OrleansTestDatabase.QueryAsync(_database, "SELECT QueryKey, QueryText FROM OrleansQuery ORDER BY QueryKey"))
        .Select(row => $"{row[0]}\n{row[1]}").ToList();
}
