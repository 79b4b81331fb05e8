using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>How the PostgreSQL store tells failures apart.</summary>
internal static class PostgresErrors
{
    /// <summary>The transaction lost a deadlock or a serialisation conflict: nothing of it was committed and
    /// running it again is safe.</summary>
    public static bool IsConflict(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <summary>The connection is gone (server restarted or unreachable, network failure, timeout): pooled
    /// connections may be dead too.</summary>
    public static bool IsConnectionFailure(Exception error) => error switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => false,
    };
}
