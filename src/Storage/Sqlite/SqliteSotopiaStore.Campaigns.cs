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
                    INSERT INTO campaigns (id, status, created_at, updated_at, revision, json)
                    VALUES ($id, $status, $created, $updated, $revision, $json)
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
                        revision = excluded.revision, json = excluded.json
                    WHERE campaigns.revision < excluded.revision
                    """)
                .With("$id", campaign.Id).With("$status", status).With("$created", StoreValues.ToMs(campaign.CreatedAt))
                .With("$updated", StoreValues.ToMs(campaign.UpdatedAt)).With("$revision", campaign.Revision).With("$json", json)
                .ExecuteNonQuery() == 1, cancellationToken);
    }

    public async Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var json = await ReadAsync("get campaign", session =>
            session.Command("SELECT json FROM campaigns WHERE id = $id").With("$id", campaignId).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<CampaignRecord>(json, $"campaign '{campaignId}'");
    }

    /// <summary>All campaigns, newest <see cref="CampaignRecord.CreatedAt"/> first; equal times latest-created first.</summary>
    public async Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("list campaigns", session =>
        {
            var result = new List<(string Id, string Json)>();
            using var reader = session.Command("SELECT id, json FROM campaigns ORDER BY created_at DESC, rowid DESC").ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetString(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<CampaignRecord>(r.Json, $"campaign '{r.Id}'"));
    }
}
