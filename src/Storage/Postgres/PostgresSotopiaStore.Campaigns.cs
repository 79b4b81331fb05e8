using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentException.ThrowIfNullOrEmpty(campaign.Id, nameof(campaign));
        var json = StoreValues.Json(campaign);
        var status = StoreValues.Name(campaign.Status);
        return WriteAsync("save campaign", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // A concurrent save of the same campaign waits for this one's row lock, then re-checks the revision.
            command.CommandText = """
                INSERT INTO campaigns (id, status, revision, created_at, updated_at, json) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, revision = excluded.revision,
                    created_at = excluded.created_at, updated_at = excluded.updated_at, json = excluded.json
                WHERE excluded.revision > campaigns.revision
                """;
            command.Text(campaign.Id).Text(status).Long(campaign.Revision)
                .Long(StoreValues.ToMs(campaign.CreatedAt)).Long(StoreValues.ToMs(campaign.UpdatedAt)).Text(json);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    public async Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var json = await ReadAsync("get campaign", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json::text FROM campaigns WHERE id = $1";
            command.Text(campaignId);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<CampaignRecord>(json, $"campaign '{campaignId}'");
    }

    /// <summary>All campaigns, newest <see cref="CampaignRecord.CreatedAt"/> first; equal times latest-created first.</summary>
    public async Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadPagesAsync<(long CreatedAt, long Seq, string Id, string Json)>("list campaigns", async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = after is null
                ? "SELECT created_at, seq, id, json::text FROM campaigns ORDER BY created_at DESC, seq DESC LIMIT $1"
                : "SELECT created_at, seq, id, json::text FROM campaigns WHERE (created_at, seq) < ($2, $3) ORDER BY created_at DESC, seq DESC LIMIT $1";
            command.Int(size);
            if (after is { } last)
            {
                command.Long(last.CreatedAt).Long(last.Seq);
            }
            var result = new List<(long, long, string, string)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<CampaignRecord>(r.Json, $"campaign '{r.Id}'"));
    }
}
