using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public Task RegisterSiloAsync(SiloInfo silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(silo.Id, nameof(silo));
        ArgumentNullException.ThrowIfNull(silo.Address, nameof(silo));
        return WriteAsync("register silo", needsSavepoint: false, session =>
        {
            session.Command("""
                    INSERT INTO silos (id, address, started_at, last_heartbeat, status, stats) VALUES ($id, $address, $started, $now, 'active', NULL)
                    ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at,
                        last_heartbeat = excluded.last_heartbeat, status = 'active', stats = NULL
                    """)
                .With("$id", silo.Id).With("$address", silo.Address).With("$started", StoreValues.ToMs(silo.StartedAt)).With("$now", NowMs())
                .ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public Task<bool> HeartbeatAsync(string siloId, SiloStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloId);
        var json = stats is null ? null : StoreValues.Json(stats);
        return WriteAsync("silo heartbeat", needsSavepoint: false, session =>
            session.Command("UPDATE silos SET last_heartbeat = $now, stats = COALESCE($stats, stats) WHERE id = $id AND status = 'active'")
                .With("$now", NowMs()).With("$stats", json).With("$id", siloId)
                .ExecuteNonQuery() == 1, cancellationToken);
    }

    public Task MarkStoppedAsync(string siloId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloId);
        return WriteAsync("mark silo stopped", needsSavepoint: false, session =>
        {
            session.Command("UPDATE silos SET status = 'stopped', last_heartbeat = $now WHERE id = $id")
                .With("$now", NowMs()).With("$id", siloId).ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SiloRecord>> ListSilosAsync(TimeSpan deadAfter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadAfter, TimeSpan.Zero);
        var rows = await ReadAsync("list silos", session =>
        {
            var result = new List<SiloRow>();
            using var reader = session.Command("SELECT id, address, started_at, last_heartbeat, status, stats FROM silos ORDER BY started_at, id")
                .ExecuteReader();
            while (reader.Read())
            {
                result.Add(new SiloRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return SiloRow.ToRecords(rows, NowMs(), deadAfter, $"SQLite store '{_path}'", Parse<SiloStats>);
    }
}
