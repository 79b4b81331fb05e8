using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private const string ClaimableTrainingSql = """
        SELECT r.id FROM training_requests r
        LEFT JOIN leases l ON l.kind = 'training' AND l.key = r.id
        WHERE r.status IN ('pending', 'running') AND (l.key IS NULL OR l.expires_at <= $now)
        ORDER BY r.created_at, r.seq
        LIMIT 1
        """;

    private static readonly string TrainingRunningName = StoreValues.Name(TrainingStatus.Running);
    private static readonly string TrainingRunningJson = StoreValues.Json(TrainingStatus.Running);

    public async Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id, nameof(request));
        var json = StoreValues.Json(request);
        var status = StoreValues.Name(request.Status);
        var stored = await WriteAsync("create training request", needsSavepoint: false, session =>
        {
            var inserted = session.Command("""
                    INSERT INTO training_requests (id, campaign_id, status, created_at, completed_at, json)
                    VALUES ($id, $campaign, $status, $created, $completed, $json)
                    ON CONFLICT (id) DO NOTHING
                    """)
                .With("$id", request.Id).With("$campaign", request.CampaignId).With("$status", status)
                .With("$created", StoreValues.ToMs(request.CreatedAt)).With("$completed", StoreValues.ToMs(request.CompletedAt))
                .With("$json", json)
                .ExecuteNonQuery();
            return inserted == 1
                ? null
                : session.Command("SELECT json FROM training_requests WHERE id = $id").With("$id", request.Id).ExecuteString();
        }, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            _hub.Publish(StoreNotification.TrainingRequestChanged(request.Id, request.Status));
            return request;
        }
        return Parse<TrainingRequest>(stored, $"training request '{request.Id}'");
    }

    public async Task<(TrainingRequest Request, Lease Lease)?> ClaimTrainingRequestAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(leaseDuration, nameof(leaseDuration));
        var claimed = await WriteAsync<(string Json, Lease Lease)?>("claim training request", needsSavepoint: true, session =>
        {
            var now = NowMs();
            var expires = now + durationMs;
            var id = session.Command(ClaimableTrainingSql).With("$now", now).ExecuteString();
            if (id is null)
            {
                return null;
            }
            var epoch = AcquireNotLive(session, LeaseKinds.Training, id, owner, expires);
            var json = session.Command("""
                    UPDATE training_requests SET status = $status, json = json_set(json, '$.status', json($statusJson))
                    WHERE id = $id
                    RETURNING json
                    """)
                .With("$status", TrainingRunningName).With("$statusJson", TrainingRunningJson).With("$id", id)
                .ExecuteString()!;
            return (json, new Lease(LeaseKinds.Training, id, owner, epoch, StoreValues.FromMs(expires)));
        }, cancellationToken).ConfigureAwait(false);
        if (claimed is not { } c)
        {
            return null;
        }
        _hub.Publish(StoreNotification.TrainingRequestChanged(c.Lease.Key, TrainingStatus.Running));
        return (Parse<TrainingRequest>(c.Json, $"training request '{c.Lease.Key}'"), c.Lease);
    }

    public Task ReportTrainingProgressAsync(Lease lease, string progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(progress);
        StoreRules.RequireTrainingLease(lease);
        return WriteAsync("report training progress", needsSavepoint: false, session =>
        {
            CheckFence(session, lease, NowMs());
            var updated = session.Command("UPDATE training_requests SET json = json_set(json, '$.progress', $progress) WHERE id = $id")
                .With("$progress", progress).With("$id", lease.Key)
                .ExecuteNonQuery();
            if (updated == 0)
            {
                throw new InvalidOperationException($"Training request '{lease.Key}' does not exist.");
            }
            return true;
        }, cancellationToken);
    }

    public async Task CompleteTrainingRequestAsync(Lease lease, TrainingStatus status, int? publishedVersion, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        StoreRules.RequireTrainingLease(lease);
        StoreRules.ValidateTrainingCompletion(lease, status, error);
        var name = StoreValues.Name(status);
        var statusJson = StoreValues.Json(status);
        var versionJson = StoreValues.Json(publishedVersion);
        var errorJson = StoreValues.Json(error);
        await WriteAsync("complete training request", needsSavepoint: true, session =>
        {
            var nowTime = _time.GetUtcNow();
            var now = StoreValues.ToMs(nowTime);
            CheckFence(session, lease, now);
            var updated = session.Command("""
                    UPDATE training_requests SET status = $status, completed_at = $completed,
                        json = json_set(json, '$.status', json($statusJson), '$.published_version', json($version),
                            '$.error', json($error), '$.completed_at', json($completedJson))
                    WHERE id = $id
                    """)
                .With("$status", name).With("$completed", now).With("$statusJson", statusJson).With("$version", versionJson)
                .With("$error", errorJson).With("$completedJson", StoreValues.Json<DateTimeOffset?>(StoreValues.FromMs(now)))
                .With("$id", lease.Key)
                .ExecuteNonQuery();
            if (updated == 0)
            {
                throw new InvalidOperationException($"Training request '{lease.Key}' does not exist.");
            }
            ReleaseCore(session, lease, now);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        _hub.Publish(StoreNotification.TrainingRequestChanged(lease.Key, status));
    }

    public async Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var json = await ReadAsync("get training request", session =>
            session.Command("SELECT json FROM training_requests WHERE id = $id").With("$id", requestId).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<TrainingRequest>(json, $"training request '{requestId}'");
    }
}
