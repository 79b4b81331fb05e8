using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public async Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        var row = await ReadAsync<(string Json, string ETag)?>("read grain state", session =>
        {
            using var reader = session.Command("SELECT json, etag FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                .With("$type", grainType).With("$id", grainId).ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
        }, cancellationToken).ConfigureAwait(false);
        return row is { } r ? new StoredGrainState(r.Json, r.ETag) : null;
    }

    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        ArgumentNullException.ThrowIfNull(json);
        var etag = GrainStateETags.Next();
        return WriteAsync("write grain state", needsSavepoint: false, session =>
        {
            var written = expectedETag is null
                ? session.Command("""
                        INSERT INTO grain_state (grain_type, grain_id, etag, json, updated_at) VALUES ($type, $id, $etag, $json, $now)
                        ON CONFLICT (grain_type, grain_id) DO NOTHING
                        """)
                    .With("$type", grainType).With("$id", grainId).With("$etag", etag).With("$json", json).With("$now", NowMs())
                    .ExecuteNonQuery()
                : session.Command("""
                        UPDATE grain_state SET etag = $etag, json = $json, updated_at = $now
                        WHERE grain_type = $type AND grain_id = $id AND etag = $expected
                        """)
                    .With("$type", grainType).With("$id", grainId).With("$etag", etag).With("$json", json).With("$now", NowMs())
                    .With("$expected", expectedETag)
                    .ExecuteNonQuery();
            if (written == 0)
            {
                var stored = session.Command("SELECT etag FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                    .With("$type", grainType).With("$id", grainId).ExecuteString();
                throw GrainStateETags.Conflict(grainType, grainId, expectedETag, stored);
            }
            return etag;
        }, cancellationToken);
    }

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return WriteAsync("clear grain state", needsSavepoint: false, session =>
        {
            var stored = session.Command("SELECT etag FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                .With("$type", grainType).With("$id", grainId).ExecuteString();
            if (stored != expectedETag)
            {
                throw GrainStateETags.Conflict(grainType, grainId, expectedETag, stored);
            }
            session.Command("DELETE FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                .With("$type", grainType).With("$id", grainId).ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }
}
