using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public Task RegisterSiloAsync(SiloInfo silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(silo.Id, nameof(silo));
        ArgumentNullException.ThrowIfNull(silo.Address, nameof(silo));
        return WriteAsync("register silo", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO silos (id, address, started_at, last_heartbeat, status, stats) VALUES ($1, $2, $3, $4, 'active', NULL)
                ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at,
                    last_heartbeat = excluded.last_heartbeat, status = 'active', stats = NULL
                """;
            command.Text(silo.Id).Text(silo.Address).Long(StoreValues.ToMs(silo.StartedAt)).Long(NowMs());
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<bool> HeartbeatAsync(string siloId, SiloStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloId);
        var json = stats is null ? null : StoreValues.Json(stats);
        return WriteAsync("silo heartbeat", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE silos SET last_heartbeat = $1, stats = COALESCE($2::jsonb, stats) WHERE id = $3 AND status = 'active'
                """;
            command.Long(NowMs()).Text(json).Text(siloId);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    public Task MarkStoppedAsync(string siloId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloId);
        return WriteAsync("mark silo stopped", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE silos SET status = 'stopped', last_heartbeat = $1 WHERE id = $2";
            command.Long(NowMs()).Text(siloId);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SiloRecord>> ListSilosAsync(TimeSpan deadAfter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadAfter, TimeSpan.Zero);
        var rows = await ReadAsync("list silos", async (connection, ct) =>
        {
            var result = new List<SiloRow>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, address, started_at, last_heartbeat, status, stats::text FROM silos ORDER BY started_at, id";
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(new SiloRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return SiloRow.ToRecords(rows, NowMs(), deadAfter, _description, Parse<SiloStats>);
    }
}
