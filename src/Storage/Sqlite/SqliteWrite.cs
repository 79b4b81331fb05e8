namespace SotopiaPi.Storage;

/// <summary>One write of the SQLite store, run on the writer's connection inside a group-commit transaction.</summary>
/// <param name="NeedsSavepoint">True when the write runs more than one statement, so a failure half-way must be
/// undone with a savepoint. Writes that check first and then write one statement need none (SQLite undoes a
/// failed statement by itself).</param>
/// <param name="Execute">The write; its result goes to the caller after the commit, what it throws to the caller alone.</param>
internal sealed record SqliteWrite(bool NeedsSavepoint, Func<SqliteSession, object?> Execute);
