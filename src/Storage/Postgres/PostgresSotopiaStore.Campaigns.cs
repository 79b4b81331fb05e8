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

    public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<CampaignRecord>("get campaign", "campaigns", "campaign", campaignId, cancellationToken);

    /// <summary>All campaigns, newest <see cref="CampaignRecord.CreatedAt"/> first; equal times latest-created first.</summary>
    public async Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        await ListJsonAsync<CampaignRecord>("list campaigns", "campaign",
            "SELECT created_at, seq, id, json::text FROM campaigns ORDER BY created_at DESC, seq DESC LIMIT $1",
            "SELECT created_at, seq, id, json::text FROM campaigns WHERE (created_at, seq) < ($2, $3) ORDER BY created_at DESC, seq DESC LIMIT $1",
            cancellationToken).ConfigureAwait(false);
}
