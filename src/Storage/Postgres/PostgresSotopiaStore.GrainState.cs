using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return ReadAsync("read grain state", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json, etag FROM grain_state WHERE grain_type = $1 AND grain_id = $2";
            command.Text(grainType).Text(grainId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? new StoredGrainState(reader.GetString(0), reader.GetString(1)) : null;
        }, cancellationToken);
    }

    /// <summary>One conditional statement: an insert that does nothing when a row exists (expected none), or an
    /// update of the row with the expected ETag; a concurrent writer of the same grain waits for this one's row lock
    /// and then finds the ETag moved on.</summary>
    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        ArgumentNullException.ThrowIfNull(json);
        var etag = GrainStateETags.New();
        return WriteAsync("write grain state", async (connection, ct) =>
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = expectedETag is null
                    ? """
                      INSERT INTO grain_state (grain_type, grain_id, etag, json, updated_at) VALUES ($1, $2, $3, $4, $5)
                      ON CONFLICT (grain_type, grain_id) DO NOTHING
                      """
                    : "UPDATE grain_state SET etag = $3, json = $4, updated_at = $5 WHERE grain_type = $1 AND grain_id = $2 AND etag = $6";
                command.Text(grainType).Text(grainId).Text(etag).Text(json).Long(NowMs());
                if (expectedETag is not null)
                {
                    command.Text(expectedETag);
                }
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return etag;
                }
            }
            throw StoreRules.StaleETag("a write", grainType, grainId, expectedETag,
                await StoredETagAsync(connection, grainType, grainId, ct).ConfigureAwait(false));
        }, cancellationToken);
    }

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return WriteAsync("clear grain state", async (connection, ct) =>
        {
            if (expectedETag is not null)
            {
                await using var delete = connection.CreateCommand();
                delete.CommandText = "DELETE FROM grain_state WHERE grain_type = $1 AND grain_id = $2 AND etag = $3";
                delete.Text(grainType).Text(grainId).Text(expectedETag);
                if (await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return true;
                }
            }
            var stored = await StoredETagAsync(connection, grainType, grainId, ct).ConfigureAwait(false);
            if (expectedETag is null && stored is null)
            {
                return true;
            }
            throw StoreRules.StaleETag("a clear", grainType, grainId, expectedETag, stored);
        }, cancellationToken);
    }

    private static async Task<string?> StoredETagAsync(Npgsql.NpgsqlConnection connection, string grainType, string grainId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM grain_state WHERE grain_type = $1 AND grain_id = $2";
        command.Text(grainType).Text(grainId);
        return await command.ExecuteStringAsync(cancellationToken).ConfigureAwait(false);
    }
}
