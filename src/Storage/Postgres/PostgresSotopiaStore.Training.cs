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
        StoreRules.ValidateTrainingUpdate(request);
        var status = StoreValues.Name(request.Status);
        var completed = StoreValues.ToMs(request.CompletedAt);
        return WriteAsync("update training request", async (connection, ct) =>
        {
            string stored;
            await using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT json::text FROM training_requests WHERE id = $1 FOR NO KEY UPDATE";
                select.Text(request.Id);
                stored = await select.ExecuteStringAsync(ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Training request '{request.Id}' does not exist.");
            }
            var current = Parse<TrainingRequest>(stored, $"training request '{request.Id}'");
            StoreRules.RequireOpen(request.Id, StoreValues.Name(current.Status));
            var updated = StoreRules.ApplyTrainingUpdate(current, request);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE training_requests SET status = $1, completed_at = $2, json = $3::jsonb WHERE id = $4";
            command.Text(status).Long(completed).Text(StoreValues.Json(updated)).Text(request.Id);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("list open training requests", async (connection, ct) =>
        {
            var result = new List<(string Id, string Json)>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, json::text FROM training_requests WHERE status IN ('pending', 'running') ORDER BY created_at, seq";
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetString(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<TrainingRequest>(r.Json, $"training request '{r.Id}'"));
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
