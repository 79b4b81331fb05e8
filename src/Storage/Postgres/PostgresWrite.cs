using Npgsql;

namespace SotopiaPi.Storage;

/// <summary>One group-committed write of the PostgreSQL store: a single statement that never fails on its own
/// checks (it reports them in its one result row instead), so many of them share one transaction and each is
/// judged on its own.</summary>
/// <param name="CreateCommand">The statement (built again for every attempt).</param>
/// <param name="Interpret">Reads the statement's result row (the reader is on it) and returns the caller's result;
/// what it throws goes to that caller alone.</param>
internal sealed record PostgresWrite(Func<NpgsqlBatchCommand> CreateCommand, Func<NpgsqlDataReader, object?> Interpret);
