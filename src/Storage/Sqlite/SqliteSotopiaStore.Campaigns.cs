using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public Task CreateCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentException.ThrowIfNullOrEmpty(campaign.Id, nameof(campaign));
        var json = StoreValues.Json(campaign);
        var status = StoreValues.Name(campaign.Status);
        return WriteAsync("create campaign", needsSavepoint: false, session =>
        {
            var inserted = session.Command("""
                    INSERT INTO campaigns (id, status, created_at, updated_at, json) VALUES ($id, $status, $created, $updated, $json)
                    ON CONFLICT (id) DO NOTHING
                    """)
                .With("$id", campaign.Id).With("$status", status).With("$created", StoreValues.ToMs(campaign.CreatedAt))
                .With("$updated", StoreValues.ToMs(campaign.UpdatedAt)).With("$json", json)
                .ExecuteNonQuery();
            if (inserted == 0)
            {
                throw new InvalidOperationException($"Campaign '{campaign.Id}' already exists.");
            }
            return true;
        }, cancellationToken);
    }

    public Task SaveCampaignAsync(Lease lease, CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        StoreRules.RequireLease(lease, LeaseKinds.Campaign, campaign.Id, nameof(lease));
        return WriteAsync("save campaign", needsSavepoint: false, session =>
        {
            CheckFence(session, lease, NowMs());
            var stored = session.Command("SELECT status FROM campaigns WHERE id = $id").With("$id", campaign.Id).ExecuteString();
            var record = StoreRules.KeepOperatorStatus(campaign, stored);
            var json = StoreValues.Json(record);
            var status = StoreValues.Name(record.Status);
            var updated = session.Command("UPDATE campaigns SET status = $status, updated_at = $updated, json = $json WHERE id = $id")
                .With("$status", status).With("$updated", StoreValues.ToMs(campaign.UpdatedAt)).With("$json", json).With("$id", campaign.Id)
                .ExecuteNonQuery();
            if (updated == 0)
            {
                throw new InvalidOperationException($"Campaign '{campaign.Id}' does not exist.");
            }
            return true;
        }, cancellationToken);
    }

    public Task SetCampaignStatusAsync(string campaignId, CampaignStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var name = StoreValues.Name(status);
        var json = StoreValues.Json(status);
        return WriteAsync("set campaign status", needsSavepoint: false, session =>
        {
            var updated = session.Command("""
                    UPDATE campaigns SET status = $status, json = json_set(json, '$.status', json($statusJson)) WHERE id = $id
                    """)
                .With("$status", name).With("$statusJson", json).With("$id", campaignId)
                .ExecuteNonQuery();
            if (updated == 0)
            {
                throw new InvalidOperationException($"Campaign '{campaignId}' does not exist.");
            }
            return true;
        }, cancellationToken);
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
