using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
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

    public Task UpdateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        var (status, statusJson, trainerJson, progressJson, versionJson, errorJson, completedJson) = StoreValues.UpdatedFields(request);
        return WriteAsync("update training request", async (connection, ct) =>
        {
            await using (var update = connection.CreateCommand())
            {
                update.CommandText = """
                    UPDATE training_requests SET status = $2, completed_at = $3,
                        json = json || jsonb_build_object('status', $4::jsonb, 'attempt', $5::int, 'trainer_id', $6::jsonb,
                            'progress', $7::jsonb, 'published_version', $8::jsonb, 'error', $9::jsonb, 'completed_at', $10::jsonb)
                    WHERE id = $1 AND status NOT IN ('succeeded', 'failed')
                    """;
                update.Text(request.Id).Text(status).Long(StoreValues.ToMs(request.CompletedAt))
                    .Text(statusJson).Int(request.Attempt).Text(trainerJson).Text(progressJson).Text(versionJson).Text(errorJson).Text(completedJson);
                if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return true;
                }
            }
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT status FROM training_requests WHERE id = $1";
            select.Text(request.Id);
            var stored = await select.ExecuteStringAsync(ct).ConfigureAwait(false);
            throw stored is null
                ? new InvalidOperationException($"Training request '{request.Id}' does not exist.")
                : StoreRules.FinalTrainingRequest(request.Id, stored);
        }, cancellationToken);
    }

    public Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<TrainingRequest>("get training request", "training_requests", "training request", requestId, cancellationToken);

    /// <summary>Pending and running requests, oldest <see cref="TrainingRequest.CreatedAt"/> first; equal times in
    /// the order they were created.</summary>
    public async Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default) =>
        await ListJsonAsync<TrainingRequest>("list open training requests", "training request",
            """
            SELECT created_at, seq, id, json::text FROM training_requests WHERE status IN ('pending', 'running')
            ORDER BY created_at, seq LIMIT $1
            """,
            """
            SELECT created_at, seq, id, json::text FROM training_requests
            WHERE status IN ('pending', 'running') AND (created_at, seq) > ($2, $3)
            ORDER BY created_at, seq LIMIT $1
            """,
            cancellationToken).ConfigureAwait(false);
}
