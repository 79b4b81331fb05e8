using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    /// <summary>Registers a version (rules as on SQLite: see <see cref="SqliteSotopiaStore.RegisterVersionAsync"/>).
    /// Concurrent registrations of one policy are serialised by locking its <c>policies</c> row first.</summary>
    public async Task<PolicyVersion> RegisterVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentException.ThrowIfNullOrEmpty(version.PolicyName, nameof(version));
        ArgumentOutOfRangeException.ThrowIfNegative(version.Version, nameof(version));
        var json = StoreValues.Json(version);
        var existing = await WriteAsync("register policy version", async (connection, ct) =>
        {
            await using (var ensureRow = connection.CreateCommand())
            {
                ensureRow.CommandText = "INSERT INTO policies (name, active_version) VALUES ($1, NULL) ON CONFLICT (name) DO NOTHING";
                ensureRow.Text(version.PolicyName);
                await ensureRow.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await using (var lockRow = connection.CreateCommand())
            {
                lockRow.CommandText = "SELECT 1 FROM policies WHERE name = $1 FOR UPDATE";
                lockRow.Text(version.PolicyName);
                await lockRow.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (version.TrainingRequestId is not null)
            {
                await using var byRequest = connection.CreateCommand();
                byRequest.CommandText = "SELECT json::text FROM policy_versions WHERE policy_name = $1 AND training_request_id = $2";
                byRequest.Text(version.PolicyName).Text(version.TrainingRequestId);
                if (await byRequest.ExecuteStringAsync(ct).ConfigureAwait(false) is { } published)
                {
                    return published;
                }
            }
            await using (var byNumber = connection.CreateCommand())
            {
                byNumber.CommandText = "SELECT training_request_id, json::text FROM policy_versions WHERE policy_name = $1 AND version = $2";
                byNumber.Text(version.PolicyName).Int(version.Version);
                await using var reader = await byNumber.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var sameNumberRequest = reader.IsDBNull(0) ? null : reader.GetString(0);
                    if (sameNumberRequest == version.TrainingRequestId)
                    {
                        return reader.GetString(1);
                    }
                    throw new InvalidOperationException(
                        $"Version {version.Version} of policy '{version.PolicyName}' already exists (training request " +
                        $"'{sameNumberRequest ?? "none"}'), so it cannot be registered for training request '{version.TrainingRequestId ?? "none"}'.");
                }
            }
            await using (var nextFree = connection.CreateCommand())
            {
                nextFree.CommandText = "SELECT COALESCE(MAX(version) + 1, 0) FROM policy_versions WHERE policy_name = $1";
                nextFree.Text(version.PolicyName);
                var next = await nextFree.ExecuteInt64Async(ct).ConfigureAwait(false);
                if (version.Version != next)
                {
                    throw new InvalidOperationException(
                        $"Version {version.Version} of policy '{version.PolicyName}' is not the next free version number ({next}).");
                }
            }
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT INTO policy_versions (policy_name, version, training_request_id, created_at, json)
                    VALUES ($1, $2, $3, $4, $5::jsonb)
                    """;
                insert.Text(version.PolicyName).Int(version.Version).Text(version.TrainingRequestId)
                    .Long(StoreValues.ToMs(version.CreatedAt)).Text(json);
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return existing is null ? version : Parse<PolicyVersion>(existing, $"version of policy '{version.PolicyName}'");
    }

    public Task ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        return WriteAsync("activate policy version", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE policies SET active_version = $2
                WHERE name = $1 AND EXISTS (SELECT 1 FROM policy_versions WHERE policy_name = $1 AND version = $2)
                """;
            command.Text(policyName).Int(version);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"Version {version} of policy '{policyName}' is not registered.");
            }
            return true;
        }, cancellationToken);
    }

    public async Task<PolicyVersion?> GetActiveVersionAsync(string policyName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var json = await ReadAsync("get active policy version", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT v.json::text FROM policies p
                JOIN policy_versions v ON v.policy_name = p.name AND v.version = p.active_version
                WHERE p.name = $1
                """;
            command.Text(policyName);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<PolicyVersion>(json, $"active version of policy '{policyName}'");
    }

    public async Task<PolicyVersion?> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var json = await ReadAsync("get policy version", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json::text FROM policy_versions WHERE policy_name = $1 AND version = $2";
            command.Text(policyName).Int(version);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<PolicyVersion>(json, $"version {version} of policy '{policyName}'");
    }

    public async Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string policyName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var rows = await ReadPagesAsync<(int Version, string Json)>("list policy versions", async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, json::text FROM policy_versions WHERE policy_name = $1 AND version > $2 ORDER BY version LIMIT $3";
            command.Text(policyName).Int(after?.Version ?? -1).Int(size);
            var result = new List<(int, string)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetInt32(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<PolicyVersion>(r.Json, $"version {r.Version} of policy '{policyName}'"));
    }

    /// <summary>Every policy name with at least one registered version, by name.</summary>
    public async Task<IReadOnlyList<string>> ListPoliciesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadPagesAsync<PolicyName>("list policies", async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = after is null
                ? "SELECT name FROM policies ORDER BY name LIMIT $1"
                : "SELECT name FROM policies WHERE name > $2 ORDER BY name LIMIT $1";
            command.Int(size);
            if (after is { } last)
            {
                command.Text(last.Name);
            }
            return (await command.ExecuteStringsAsync(ct).ConfigureAwait(false)).ConvertAll(name => new PolicyName(name));
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.Name);
    }
}
