using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentException.ThrowIfNullOrEmpty(campaign.Id, nameof(campaign));
        var json = StoreValues.Json(campaign);
        var status = StoreValues.Name(campaign.Status);
        return WriteAsync("save campaign", needsSavepoint: false, session =>
            session.Command("""
                    INSERT INTO campaigns (id, status, revision, created_at, updated_at, json)
                    VALUES ($id, $status, $revision, $created, $updated, $json)
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, revision = excluded.revision,
                        created_at = excluded.created_at, updated_at = excluded.updated_at, json = excluded.json
                    WHERE excluded.revision > campaigns.revision
                    """)
                .With("$id", campaign.Id).With("$status", status).With("$revision", campaign.Revision)
                .With("$created", StoreValues.ToMs(campaign.CreatedAt)).With("$updated", StoreValues.ToMs(campaign.UpdatedAt))
                .With("$json", json)
                .ExecuteNonQuery() == 1, cancellationToken);
    }

    public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<CampaignRecord>("get campaign", "campaigns", "campaign", campaignId, cancellationToken);

    /// <summary>All campaigns, newest <see cref="CampaignRecord.CreatedAt"/> first; equal times latest-created first.</summary>
    public async Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        await ListJsonAsync<CampaignRecord>("list campaigns", "campaign",
            "SELECT created_at, rowid, id, json FROM campaigns ORDER BY created_at DESC, rowid DESC LIMIT $size",
            """
            SELECT created_at, rowid, id, json FROM campaigns WHERE (created_at, rowid) < ($afterCreated, $afterSeq)
            ORDER BY created_at DESC, rowid DESC LIMIT $size
            """,
            cancellationToken).ConfigureAwait(false);
}
