using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    /// <summary>Registers a version. Returned without writing anything: the version already published by the same
    /// <see cref="PolicyVersion.TrainingRequestId"/> (whatever number was given), or the version with the same
    /// policy and number when it has the same training request id (both null included). Otherwise the number
    /// must be the next free one (0 for a new policy): a number that is taken by another request, or that leaves
    /// a gap, throws <see cref="InvalidOperationException"/>.</summary>
    public async Task<PolicyVersion> RegisterVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentException.ThrowIfNullOrEmpty(version.PolicyName, nameof(version));
        ArgumentOutOfRangeException.ThrowIfNegative(version.Version, nameof(version));
        var json = StoreValues.Json(version);
        var existing = await WriteAsync("register policy version", needsSavepoint: true, session =>
        {
            if (version.TrainingRequestId is not null)
            {
                var published = session.Command("SELECT json FROM policy_versions WHERE policy_name = $policy AND training_request_id = $request")
                    .With("$policy", version.PolicyName).With("$request", version.TrainingRequestId)
                    .ExecuteString();
                if (published is not null)
                {
                    return published;
                }
            }
            string? sameNumberRequest = null;
            var sameNumber = false;
            using (var reader = session.Command("SELECT training_request_id, json FROM policy_versions WHERE policy_name = $policy AND version = $version")
                .With("$policy", version.PolicyName).With("$version", version.Version).ExecuteReader())
            {
                if (reader.Read())
                {
                    sameNumber = true;
                    sameNumberRequest = reader.IsDBNull(0) ? null : reader.GetString(0);
                    if (sameNumberRequest == version.TrainingRequestId)
                    {
                        return reader.GetString(1);
                    }
                }
            }
            if (sameNumber)
            {
                throw new InvalidOperationException(
                    $"Version {version.Version} of policy '{version.PolicyName}' already exists (training request " +
                    $"'{sameNumberRequest ?? "none"}'), so it cannot be registered for training request '{version.TrainingRequestId ?? "none"}'.");
            }
            var next = session.Command("SELECT COALESCE(MAX(version) + 1, 0) FROM policy_versions WHERE policy_name = $policy")
                .With("$policy", version.PolicyName).ExecuteInt64();
            if (version.Version != next)
            {
                throw new InvalidOperationException(
                    $"Version {version.Version} of policy '{version.PolicyName}' is not the next free version number ({next}).");
            }
            session.Command("""
                    INSERT INTO policy_versions (policy_name, version, training_request_id, created_at, json)
                    VALUES ($policy, $version, $request, $created, $json)
                    """)
                .With("$policy", version.PolicyName).With("$version", version.Version).With("$request", version.TrainingRequestId)
                .With("$created", StoreValues.ToMs(version.CreatedAt)).With("$json", json)
                .ExecuteNonQuery();
            session.Command("INSERT INTO policies (name, active_version) VALUES ($policy, NULL) ON CONFLICT (name) DO NOTHING")
                .With("$policy", version.PolicyName).ExecuteNonQuery();
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return existing is null ? version : Parse<PolicyVersion>(existing, $"version of policy '{version.PolicyName}'");
    }

    public Task ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        return WriteAsync("activate policy version", needsSavepoint: false, session =>
        {
            var exists = session.Command("SELECT 1 FROM policy_versions WHERE policy_name = $policy AND version = $version")
                .With("$policy", policyName).With("$version", version).ExecuteScalar();
            if (exists is null)
            {
                throw new InvalidOperationException($"Version {version} of policy '{policyName}' is not registered.");
            }
            session.Command("""
                    INSERT INTO policies (name, active_version) VALUES ($policy, $version)
                    ON CONFLICT (name) DO UPDATE SET active_version = excluded.active_version
                    """)
                .With("$policy", policyName).With("$version", version).ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public async Task<PolicyVersion?> GetActiveVersionAsync(string policyName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var json = await ReadAsync("get active policy version", session =>
            session.Command("""
                    SELECT v.json FROM policies p
                    JOIN policy_versions v ON v.policy_name = p.name AND v.version = p.active_version
                    WHERE p.name = $policy
                    """)
                .With("$policy", policyName).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<PolicyVersion>(json, $"active version of policy '{policyName}'");
    }

    public async Task<PolicyVersion?> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var json = await ReadAsync("get policy version", session =>
            session.Command("SELECT json FROM policy_versions WHERE policy_name = $policy AND version = $version")
                .With("$policy", policyName).With("$version", version).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<PolicyVersion>(json, $"version {version} of policy '{policyName}'");
    }

    public async Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string policyName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var rows = await ReadPagesAsync<(int Version, string Json)>("list policy versions", (session, after, size) =>
        {
            var result = new List<(int, string)>();
            using var reader = session.Command("""
                    SELECT version, json FROM policy_versions WHERE policy_name = $policy AND version > $after ORDER BY version LIMIT $size
                    """)
                .With("$policy", policyName).With("$after", after?.Version ?? -1).With("$size", size).ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetInt32(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<PolicyVersion>(r.Json, $"version {r.Version} of policy '{policyName}'"));
    }

    /// <summary>Every policy name with at least one registered version (or an activation), by name.</summary>
    public async Task<IReadOnlyList<string>> ListPoliciesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadPagesAsync<PolicyName>("list policies", (session, after, size) =>
        {
            var command = after is { } last
                ? session.Command("SELECT name FROM policies WHERE name > $after ORDER BY name LIMIT $size").With("$after", last.Name)
                : session.Command("SELECT name FROM policies ORDER BY name LIMIT $size");
            return command.With("$size", size).ExecuteStrings().ConvertAll(name => new PolicyName(name));
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.Name);
    }
}
