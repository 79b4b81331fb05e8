using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>Opens the store a trainer process works on from one string: a PostgreSQL connection string
/// (<c>Host=…;Database=…</c> or a <c>postgres://</c> URL) or else the path of a SQLite file (the same file an
/// embedded or single-node silo uses).</summary>
public static partial class TrainerStoreFactory
{
    /// <summary>Whether <paramref name="store"/> is a PostgreSQL connection string rather than a file path.</summary>
    public static bool IsPostgres(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var text = store.Trim();
        return text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || ConnectionStringKey().IsMatch(text);
    }

    /// <summary>What to print about the store in logs: the SQLite path, or the PostgreSQL host and database
    /// (never the password).</summary>
    public static string Describe(string store)
    {
        if (!IsPostgres(store))
        {
            return "SQLite " + Path.GetFullPath(store);
        }
        if (Uri.TryCreate(store.Trim(), UriKind.Absolute, out var url))
        {
            return $"PostgreSQL {url.Host}:{url.Port}{url.AbsolutePath}";
        }
        var safe = store.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => !p.StartsWith("password", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("pwd", StringComparison.OrdinalIgnoreCase));
        return "PostgreSQL " + string.Join(";", safe);
    }

    /// <summary>Opens and migrates the store.</summary>
    public static async Task<ISotopiaStore> OpenAsync(string store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        if (IsPostgres(store))
        {
            return await PostgresSotopiaStore.OpenAsync(store, new PostgresStoreOptions(), time, cancellationToken);
        }
        return await SqliteSotopiaStore.OpenAsync(store, time: time, ct: cancellationToken);
    }

    [GeneratedRegex(@"(^|;)\s*(host|server|database|username|user id)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringKey();
}
