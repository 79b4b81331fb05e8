using System.Data.Common;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Where the store lives, parsed from <c>--store</c> / <c>SOTOPIA_STORE</c>: a SQLite file path (or
/// <c>Data Source=path</c>), or a PostgreSQL connection string (<c>Host=…;Database=…</c> or a
/// <c>postgres://</c> URI). <see cref="ToString"/> never shows a password.</summary>
public sealed class StoreConnection
{
    private static readonly string[] SqliteKeys = ["data source", "datasource", "filename"];
    private static readonly string[] PostgresKeys = ["host", "server"];

    private StoreConnection(StoreKind kind, string value, string description)
    {
        Kind = kind;
        Value = value;
        Description = description;
    }

    public StoreKind Kind { get; }

    /// <summary>The SQLite file's full path, or the PostgreSQL connection string as given (secret: never log it).</summary>
    public string Value { get; }

    /// <summary>A loggable description: the file path, or host, port, database and user without the password.</summary>
    public string Description { get; }

    /// <summary>Parses a store setting; throws <see cref="FormatException"/> saying what is accepted.</summary>
    public static StoreConnection Parse(string value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new FormatException("no store was given: pass --store <file.db | \"Host=…;Database=…\"> or set SOTOPIA_STORE.");
        }
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(text, DescribeUri(text));
        }
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            return Sqlite(text);
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException)
        {
            throw new FormatException("the store setting contains '=' but is not a valid connection string (expected \"Data Source=file.db\" or \"Host=…;Database=…\").");
        }
        if (PostgresKeys.Any(builder.ContainsKey))
        {
            return Postgres(text, DescribePostgres(builder));
        }
        var sqliteKey = SqliteKeys.FirstOrDefault(builder.ContainsKey);
        if (sqliteKey is not null)
        {
            var extra = builder.Keys.Cast<string>().Where(k => !SqliteKeys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
            if (extra.Count > 0)
            {
                throw new FormatException($"a SQLite store takes only 'Data Source=<file>'; remove: {string.Join(", ", extra)}.");
            }
            return Sqlite(Convert.ToString(builder[sqliteKey], System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        throw new FormatException(
            $"the store connection string has none of the keys 'Host' (PostgreSQL) or 'Data Source' (SQLite); it has: {string.Join(", ", builder.Keys.Cast<string>())}.");
    }

    public override string ToString() => Description;

    private static StoreConnection Sqlite(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new FormatException("the SQLite store's 'Data Source' is empty.");
        }
        var full = Path.GetFullPath(path);
        return new StoreConnection(StoreKind.Sqlite, full, $"SQLite {full}");
    }

    private static StoreConnection Postgres(string connectionString, string description) =>
        new(StoreKind.PostgreSql, connectionString, description);

    private static string DescribePostgres(DbConnectionStringBuilder builder)
    {
        string Get(params string[] keys)
        {
            foreach (var key in keys)
            {
                if (builder.TryGetValue(key, out var v) && v is not null)
                {
                    return Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                }
            }
            return "";
        }
        var host = Get("host", "server");
        var port = Get("port");
        var database = Get("database", "db");
        var user = Get("username", "user id", "userid", "user");
        return $"PostgreSQL host={host}{(port.Length > 0 ? ":" + port : "")} database={(database.Length > 0 ? database : "(default)")} user={(user.Length > 0 ? user : "(default)")}";
    }

    private static string DescribeUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return "PostgreSQL (unparsable URI)";
        }
        var user = uri.UserInfo.Split(':')[0];
        return $"PostgreSQL host={uri.Host}{(uri.IsDefaultPort || uri.Port < 0 ? "" : ":" + uri.Port)} database={uri.AbsolutePath.TrimStart('/')} user={(user.Length > 0 ? Uri.UnescapeDataString(user) : "(default)")}";
    }
}
