using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public async Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        var row = await ReadAsync<(string Json, string ETag)?>("read grain state", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json, etag FROM grain_state WHERE grain_type = $1 AND grain_id = $2";
            command.Text(grainType).Text(grainId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
        }, cancellationToken).ConfigureAwait(false);
        return row is { } r ? new StoredGrainState(r.Json, r.ETag) : null;
    }

    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        ArgumentNullException.ThrowIfNull(json);
        var etag = GrainStateETags.Next();
        return WriteAsync("write grain state", async (connection, ct) =>
        {
            int written;
            await using (var command = connection.CreateCommand())
            {
                if (expectedETag is null)
                {
                    command.CommandText = """
                        INSERT INTO grain_state (grain_type, grain_id, etag, json, updated_at) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (grain_type, grain_id) DO NOTHING
                        """;
                    command.Text(grainType).Text(grainId).Text(etag).Text(json).Long(NowMs());
                }
                else
                {
                    command.CommandText = """
                        UPDATE grain_state SET etag = $3, json = $4, updated_at = $5
                        WHERE grain_type = $1 AND grain_id = $2 AND etag = $6
                        """;
                    command.Text(grainType).Text(grainId).Text(etag).Text(json).Long(NowMs()).Text(expectedETag);
                }
                written = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (written == 0)
            {
                throw GrainStateETags.Conflict(grainType, grainId, expectedETag, await StoredETagAsync(connection, grainType, grainId, ct).ConfigureAwait(false));
            }
            return etag;
        }, cancellationToken);
    }

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return WriteAsync("clear grain state", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grain_state WHERE grain_type = $1 AND grain_id = $2 AND etag IS NOT DISTINCT FROM $3";
            command.Text(grainType).Text(grainId).Text(expectedETag);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                var stored = await StoredETagAsync(connection, grainType, grainId, ct).ConfigureAwait(false);
                if (stored is not null || expectedETag is not null)
                {
                    throw GrainStateETags.Conflict(grainType, grainId, expectedETag, stored);
                }
            }
            return true;
        }, cancellationToken);
    }

    private static async Task<string?> StoredETagAsync(Npgsql.NpgsqlConnection connection, string grainType, string grainId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM grain_state WHERE grain_type = $1 AND grain_id = $2";
        command.Text(grainType).Text(grainId);
        return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
    }
}
