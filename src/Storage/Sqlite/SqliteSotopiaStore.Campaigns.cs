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
        var rows = await ReadPagesAsync<(long CreatedAt, long RowId, string Id, string Json)>("list campaigns", (session, after, size) =>
        {
            var command = after is { } last
                ? session.Command("""
                    SELECT created_at, rowid, id, json FROM campaigns WHERE (created_at, rowid) < ($afterCreated, $afterRow)
                    ORDER BY created_at DESC, rowid DESC LIMIT $size
                    """).With("$afterCreated", last.CreatedAt).With("$afterRow", last.RowId)
                : session.Command("SELECT created_at, rowid, id, json FROM campaigns ORDER BY created_at DESC, rowid DESC LIMIT $size");
            var result = new List<(long, long, string, string)>();
            using var reader = command.With("$size", size).ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<CampaignRecord>(r.Json, $"campaign '{r.Id}'"));
    }
}
