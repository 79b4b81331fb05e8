using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    /// <summary>Like <see cref="ClaimEpisodesSql"/>, for the oldest claimable training request.</summary>
    private const string ClaimTrainingSql = """
        WITH candidate AS (
            SELECT r.id FROM training_requests r
            LEFT JOIN leases l ON l.kind = 'training' AND l.key = r.id
            WHERE r.status IN ('pending', 'running') AND (l.key IS NULL OR l.expires_at <= $1)
            ORDER BY r.created_at, r.seq
            LIMIT 1
            FOR NO KEY UPDATE OF r SKIP LOCKED
        ), locked AS (
            SELECT l.key FROM leases l WHERE l.kind = 'training' AND l.key IN (SELECT id FROM candidate)
            FOR UPDATE
        ), taken AS (
            INSERT INTO leases (kind, key, owner, epoch, expires_at)
            SELECT 'training', id, $2, 1, $3 FROM candidate
            WHERE (SELECT count(*) FROM locked) >= 0
            ON CONFLICT (kind, key) DO UPDATE
                SET owner = excluded.owner, epoch = leases.epoch + 1, expires_at = excluded.expires_at
                WHERE leases.expires_at <= $1
            RETURNING key, epoch
        ), claimed AS (
            UPDATE training_requests r SET status = 'running', json = jsonb_set(r.json, '{status}', '"running"')
            FROM taken WHERE r.id = taken.key
            RETURNING r.id, r.json, taken.epoch
        )
        SELECT id, epoch, json::text FROM claimed
        """;

    public async Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id, nameof(request));
        var json = StoreValues.Json(request);
        var status = StoreValues.Name(request.Status);
        var stored = await WriteAsync("create training request", async (connection, ct) =>
        {
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT INTO training_requests (id, campaign_id, status, created_at, completed_at, json)
                    VALUES ($1, $2, $3, $4, $5, $6::jsonb)
                    ON CONFLICT (id) DO NOTHING
                    """;
                insert.Text(request.Id).Text(request.CampaignId).Text(status)
                    .Long(StoreValues.ToMs(request.CreatedAt)).Long(StoreValues.ToMs(request.CompletedAt)).Text(json);
                if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    await NotifyAsync(connection, StoreNotification.TrainingRequestChanged(request.Id, request.Status), ct).ConfigureAwait(false);
                    return null;
                }
            }
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT json::text FROM training_requests WHERE id = $1";
            select.Text(request.Id);
            return await select.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return stored is null ? request : Parse<TrainingRequest>(stored, $"training request '{request.Id}'");
    }

    public async Task<(TrainingRequest Request, Lease Lease)?> ClaimTrainingRequestAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(leaseDuration, nameof(leaseDuration));
        var claimed = await WriteAsync<(string Json, Lease Lease)?>("claim training request", async (connection, ct) =>
        {
            var now = NowMs();
            var expires = now + durationMs;
            string id;
            long epoch;
            string json;
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = ClaimTrainingSql;
                command.Long(now).Text(owner).Long(expires);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return null;
                }
                (id, epoch, json) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
            }
            await NotifyAsync(connection, StoreNotification.TrainingRequestChanged(id, TrainingStatus.Running), ct).ConfigureAwait(false);
            return (json, new Lease(LeaseKinds.Training, id, owner, epoch, StoreValues.FromMs(expires)));
        }, cancellationToken).ConfigureAwait(false);
        if (claimed is not { } c)
        {
            return null;
        }
        return (Parse<TrainingRequest>(c.Json, $"training request '{c.Lease.Key}'"), c.Lease);
    }

    public Task ReportTrainingProgressAsync(Lease lease, string progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(progress);
        StoreRules.RequireTrainingLease(lease);
        return WriteAsync("report training progress", async (connection, ct) =>
        {
            await CheckFenceAsync(connection, lease, NowMs(), ct).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE training_requests SET json = jsonb_set(json, '{progress}', to_jsonb($1::text)) WHERE id = $2";
            command.Text(progress).Text(lease.Key);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"Training request '{lease.Key}' does not exist.");
            }
            return true;
        }, cancellationToken);
    }

    public Task CompleteTrainingRequestAsync(Lease lease, TrainingStatus status, int? publishedVersion, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        StoreRules.RequireTrainingLease(lease);
        StoreRules.ValidateTrainingCompletion(lease, status, error);
        var name = StoreValues.Name(status);
        var statusJson = StoreValues.Json(status);
        var versionJson = StoreValues.Json(publishedVersion);
        var errorJson = StoreValues.Json(error);
        return WriteAsync("complete training request", async (connection, ct) =>
        {
            var now = NowMs();
            await CheckFenceAsync(connection, lease, now, ct).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    UPDATE training_requests SET status = $1, completed_at = $2,
                        json = json || jsonb_build_object('status', $3::jsonb, 'published_version', $4::jsonb,
                            'error', $5::jsonb, 'completed_at', $6::jsonb)
                    WHERE id = $7
                    """;
                command.Text(name).Long(now).Text(statusJson).Text(versionJson).Text(errorJson)
                    .Text(StoreValues.Json<DateTimeOffset?>(StoreValues.FromMs(now))).Text(lease.Key);
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    throw new InvalidOperationException($"Training request '{lease.Key}' does not exist.");
                }
            }
            await ReleaseCoreAsync(connection, lease, now, ct).ConfigureAwait(false);
            await NotifyAsync(connection, StoreNotification.TrainingRequestChanged(lease.Key, status), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var json = await ReadAsync("get training request", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json::text FROM training_requests WHERE id = $1";
            command.Text(requestId);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<TrainingRequest>(json, $"training request '{requestId}'");
    }
}
