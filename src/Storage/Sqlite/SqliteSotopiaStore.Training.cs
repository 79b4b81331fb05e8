using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
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
        StoreRules.ValidateTrainingUpdate(request);
        var status = StoreValues.Name(request.Status);
        var completed = StoreValues.ToMs(request.CompletedAt);
        return WriteAsync("update training request", needsSavepoint: false, session =>
        {
            var stored = session.Command("SELECT json FROM training_requests WHERE id = $id").With("$id", request.Id).ExecuteString()
                ?? throw new InvalidOperationException($"Training request '{request.Id}' does not exist.");
            var current = Parse<TrainingRequest>(stored, $"training request '{request.Id}'");
            StoreRules.RequireOpen(request.Id, StoreValues.Name(current.Status));
            var updated = StoreRules.ApplyTrainingUpdate(current, request);
            session.Command("UPDATE training_requests SET status = $status, completed_at = $completed, json = $json WHERE id = $id")
                .With("$status", status).With("$completed", completed).With("$json", StoreValues.Json(updated)).With("$id", request.Id)
                .ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("list open training requests", session =>
        {
            var result = new List<(string Id, string Json)>();
            using var reader = session.Command("""
                    SELECT id, json FROM training_requests WHERE status IN ('pending', 'running') ORDER BY created_at, seq
                    """).ExecuteReader();
            while (reader.Read())
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
        var json = await ReadAsync("get training request", session =>
            session.Command("SELECT json FROM training_requests WHERE id = $id").With("$id", requestId).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<TrainingRequest>(json, $"training request '{requestId}'");
    }
}
