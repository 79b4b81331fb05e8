using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>What the Orleans hosting helpers share: the ADO.NET invariant, the connection string they hand to
/// Orleans, and the marker that makes each helper idempotent.</summary>
internal static class OrleansPostgres
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql's <c>NpgsqlFactory</c>.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The application name Orleans' connections get unless the connection string names one (so that
    /// they can be told from the store's in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "sotopia-orleans";

    /// <summary>Validates <paramref name="connectionString"/> and returns it with an application name.</summary>
    /// <exception cref="ArgumentException">It is empty, malformed or names no Host.</exception>
    public static string ConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = PostgresConnectionString.Parse(connectionString, ApplicationName);
        return settings.ConnectionString;
    }

    /// <summary>Records that <paramref name="feature"/> is configured with <paramref name="connectionString"/>.
    /// False if it already was, with the same one (nothing more to do).</summary>
    /// <exception cref="InvalidOperationException">It already was, with another database.</exception>
    public static bool TryMark(IServiceCollection services, string feature, string connectionString)
    {
        var existing = services
            .Where(d => d.ServiceType == typeof(Marker))
            .Select(d => (Marker)d.ImplementationInstance!)
            .FirstOrDefault(m => m.Feature == feature);
        if (existing is null)
        {
            services.AddSingleton(new Marker(feature, connectionString));
            return true;
        }
        if (existing.ConnectionString == connectionString)
        {
            return false;
        }
        throw new InvalidOperationException($"Orleans {feature} is already configured with another PostgreSQL connection string.");
    }

    /// <summary>A registration recording which database a helper configured Orleans' <see cref="Feature"/> with.</summary>
    private sealed class Marker(string feature, string connectionString)
    {
        public string Feature { get; } = feature;

        public string ConnectionString { get; } = connectionString;
    }
}
