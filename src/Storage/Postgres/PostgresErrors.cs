using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>How the PostgreSQL store tells failures apart.</summary>
internal static class PostgresErrors
{
    /// <summary><c>idle_in_transaction_session_timeout</c> ended the session.</summary>
    public const string IdleInTransactionSessionTimeout = "25P03";

    /// <summary><c>transaction_timeout</c> (PostgreSQL 17) ended the session.</summary>
    public const string TransactionTimeout = "25P04";

    /// <summary>The transaction lost a deadlock or a serialisation conflict: nothing of it was committed and
    /// running it again is safe.</summary>
    public static bool IsConflict(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <summary>The connection is gone (server restarted or unreachable, network failure, timeout, or the server
    /// ended this session for idling in a transaction).</summary>
    public static bool IsConnectionFailure(Exception error) => error switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || EndedIdleTransaction(postgres),
        NpgsqlException => true,
        _ => false,
    };

    /// <summary>Only this session is gone, and its transaction was rolled back for certain: the server ended it for
    /// idling in a transaction (<c>idle_in_transaction_session_timeout</c>, or PostgreSQL 17's
    /// <c>transaction_timeout</c>) before it could commit, so the process stalled, not the server. Running the
    /// transaction again is safe even if COMMIT was sent, and the pool's other connections are fine.</summary>
    public static bool EndedIdleTransaction(Exception error) =>
        error is PostgresException { SqlState: IdleInTransactionSessionTimeout or TransactionTimeout };
}
