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
            command.CommandText = """
                INSERT INTO campaigns (id, status, created_at, updated_at, revision, json) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
                    revision = excluded.revision, json = excluded.json
                WHERE campaigns.revision < excluded.revision
                """;
            command.Text(campaign.Id).Text(status).Long(StoreValues.ToMs(campaign.CreatedAt)).Long(StoreValues.ToMs(campaign.UpdatedAt))
                .Long(campaign.Revision).Text(json);
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
        var rows = await ReadAsync("list campaigns", async (connection, ct) =>
        {
            var result = new List<(string Id, string Json)>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, json::text FROM campaigns ORDER BY created_at DESC, seq DESC";
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetString(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<CampaignRecord>(r.Json, $"campaign '{r.Id}'"));
    }
}
