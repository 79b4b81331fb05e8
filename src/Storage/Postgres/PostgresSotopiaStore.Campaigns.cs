using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public Task CreateCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentException.ThrowIfNullOrEmpty(campaign.Id, nameof(campaign));
        var json = StoreValues.Json(campaign);
        var status = StoreValues.Name(campaign.Status);
        return WriteAsync("create campaign", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO campaigns (id, status, created_at, updated_at, json) VALUES ($1, $2, $3, $4, $5::jsonb)
                ON CONFLICT (id) DO NOTHING
                """;
            command.Text(campaign.Id).Text(status).Long(StoreValues.ToMs(campaign.CreatedAt)).Long(StoreValues.ToMs(campaign.UpdatedAt)).Text(json);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
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
        return WriteAsync("save campaign", async (connection, ct) =>
        {
            await CheckFenceAsync(connection, lease, NowMs(), ct).ConfigureAwait(false);
            string? stored;
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT status FROM campaigns WHERE id = $1 FOR UPDATE";
                read.Text(campaign.Id);
                stored = await read.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            }
            var record = StoreRules.KeepOperatorStatus(campaign, stored);
            var json = StoreValues.Json(record);
            var status = StoreValues.Name(record.Status);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE campaigns SET status = $1, updated_at = $2, json = $3::jsonb WHERE id = $4";
            command.Text(status).Long(StoreValues.ToMs(campaign.UpdatedAt)).Text(json).Text(campaign.Id);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
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
        return WriteAsync("set campaign status", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE campaigns SET status = $1, json = jsonb_set(json, '{status}', $2::jsonb) WHERE id = $3";
            command.Text(name).Text(json).Text(campaignId);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"Campaign '{campaignId}' does not exist.");
            }
            return true;
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
