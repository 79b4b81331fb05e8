using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Storage;

namespace SotopiaPi.Storage.Tests;

/// <summary>The store contract on PostgreSQL: every test gets a new database (CREATE DATABASE from template0),
/// dropped afterwards.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServerFixture server) : StoreContractTests
{
    private readonly List<string> _databases = [];

    protected override async Task<ISotopiaStore> CreateStoreAsync(TimeProvider time)
    {
        var database = await server.CreateDatabaseAsync();
        _databases.Add(database);
        return await PostgresSotopiaStore.OpenAsync(database, time: time);
    }

    protected override async Task<ISotopiaStore> ReopenStoreAsync(TimeProvider time) =>
        await PostgresSotopiaStore.OpenAsync(_databases[^1], time: time);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var database in _databases)
        {
            await server.DropDatabaseAsync(database);
        }
    }
}
