using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return ReadAsync("read grain state", session =>
        {
            using var reader = session.Command("SELECT json, etag FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                .With("$type", grainType).With("$id", grainId).ExecuteReader();
            return reader.Read() ? new StoredGrainState(reader.GetString(0), reader.GetString(1)) : null;
        }, cancellationToken);
    }

    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        ArgumentNullException.ThrowIfNull(json);
        var etag = GrainStateETags.New();
        return WriteAsync("write grain state", needsSavepoint: false, session =>
        {
            var stored = StoredETag(session, grainType, grainId);
            if (stored != expectedETag)
            {
                throw StoreRules.StaleETag("a write", grainType, grainId, expectedETag, stored);
            }
            session.Command("""
                    INSERT INTO grain_state (grain_type, grain_id, etag, json, updated_at) VALUES ($type, $id, $etag, $json, $now)
                    ON CONFLICT (grain_type, grain_id) DO UPDATE SET etag = excluded.etag, json = excluded.json, updated_at = excluded.updated_at
                    """)
                .With("$type", grainType).With("$id", grainId).With("$etag", etag).With("$json", json).With("$now", NowMs())
                .ExecuteNonQuery();
            return etag;
        }, cancellationToken);
    }

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return WriteAsync("clear grain state", needsSavepoint: false, session =>
        {
            var stored = StoredETag(session, grainType, grainId);
            if (stored != expectedETag)
            {
                throw StoreRules.StaleETag("a clear", grainType, grainId, expectedETag, stored);
            }
            session.Command("DELETE FROM grain_state WHERE grain_type = $type AND grain_id = $id")
                .With("$type", grainType).With("$id", grainId).ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    private static string? StoredETag(SqliteSession session, string grainType, string grainId) =>
        session.Command("SELECT etag FROM grain_state WHERE grain_type = $type AND grain_id = $id")
            .With("$type", grainType).With("$id", grainId).ExecuteString();
}
