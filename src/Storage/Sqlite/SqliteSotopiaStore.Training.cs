using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private static readonly string SucceededName = StoreValues.Name(TrainingStatus.Succeeded);
    private static readonly string FailedName = StoreValues.Name(TrainingStatus.Failed);

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
        return stored is null ? request : Parse<TrainingRequest>(stored, $"training request '{request.Id}'");
    }

    public Task UpdateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        var (status, statusJson, trainerJson, progressJson, versionJson, errorJson, completedJson) = StoreValues.UpdatedFields(request);
        return WriteAsync("update training request", needsSavepoint: false, session =>
        {
            var stored = session.Command("SELECT status FROM training_requests WHERE id = $id").With("$id", request.Id).ExecuteString()
                ?? throw new InvalidOperationException($"Training request '{request.Id}' does not exist.");
            if (stored == SucceededName || stored == FailedName)
            {
                throw StoreRules.FinalTrainingRequest(request.Id, stored);
            }
            session.Command("""
                    UPDATE training_requests SET status = $status, completed_at = $completed,
                        json = json_set(json, '$.status', json($statusJson), '$.attempt', $attempt, '$.trainer_id', json($trainer),
                            '$.progress', json($progress), '$.published_version', json($version), '$.error', json($error),
                            '$.completed_at', json($completedJson))
                    WHERE id = $id
                    """)
                .With("$status", status).With("$completed", StoreValues.ToMs(request.CompletedAt))
                .With("$statusJson", statusJson).With("$attempt", request.Attempt).With("$trainer", trainerJson)
                .With("$progress", progressJson).With("$version", versionJson).With("$error", errorJson)
                .With("$completedJson", completedJson).With("$id", request.Id)
                .ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<TrainingRequest>("get training request", "training_requests", "training request", requestId, cancellationToken);

    /// <summary>Pending and running requests, oldest <see cref="TrainingRequest.CreatedAt"/> first; equal times in
    /// the order they were created.</summary>
    public async Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default) =>
        await ListJsonAsync<TrainingRequest>("list open training requests", "training request",
            """
            SELECT created_at, seq, id, json FROM training_requests
            WHERE status IN ('pending', 'running')
            ORDER BY created_at, seq LIMIT $size
            """,
            """
            SELECT created_at, seq, id, json FROM training_requests
            WHERE status IN ('pending', 'running') AND (created_at, seq) > ($afterCreated, $afterSeq)
            ORDER BY created_at, seq LIMIT $size
            """,
            cancellationToken).ConfigureAwait(false);
}
