using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Opens the store a <see cref="StoreConnection"/> names and brings its schema up to date:
/// <see cref="SqliteSotopiaStore"/> for a file, the PostgreSQL store for a <c>Host=…</c> connection string.</summary>
public static class SotopiaStoreFactory
{
    /// <summary>Opens and migrates the store. The caller owns (disposes) it.</summary>
    public static async Task<ISotopiaStore> OpenAsync(StoreConnection connection, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ISotopiaStore store = connection.Kind switch
        {
            StoreKind.Sqlite => await SqliteSotopiaStore.OpenAsync(connection.Value, new SqliteStoreOptions(), time, cancellationToken).ConfigureAwait(false),
            StoreKind.PostgreSql => await OpenPostgresAsync(connection, time, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(connection), connection.Kind, "Unknown store kind."),
        };
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    /// <summary>The artifact folder used when none is configured: next to a SQLite file, else ./artifacts.</summary>
    public static string DefaultArtifactsRoot(StoreConnection connection) => connection.Kind == StoreKind.Sqlite
        ? Path.Combine(Path.GetDirectoryName(connection.Value) ?? ".", "artifacts")
        : Path.GetFullPath("artifacts");

    private static async Task<ISotopiaStore> OpenPostgresAsync(StoreConnection connection, TimeProvider time, CancellationToken cancellationToken) =>
        await PostgresSotopiaStore.OpenAsync(connection.Value, new PostgresStoreOptions(), time, cancellationToken).ConfigureAwait(false);
}
