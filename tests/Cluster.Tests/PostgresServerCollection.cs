using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests;

/// <summary>The test classes that share one <see cref="PostgresServerFixture"/> (each test still gets its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL server";
}
