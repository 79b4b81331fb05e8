using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>Reads a PostgreSQL connection string the way the store and the Orleans providers both need it.</summary>
internal static class PostgresConnectionString
{
    /// <summary>The parsed settings, with <paramref name="applicationName"/> when the string sets none (so
    /// <c>pg_stat_activity</c> tells the project store's sessions from Orleans').</summary>
    /// <exception cref="ArgumentException">The string is malformed or names no Host.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString, string applicationName)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {error.Message}", nameof(connectionString), error);
        }
        if (string.IsNullOrEmpty(settings.Host))
        {
            throw new ArgumentException("Invalid PostgreSQL connection string: it names no Host.", nameof(connectionString));
        }
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = applicationName;
        }
        return settings;
    }
}
