using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    public async Task<DatasetVersion> ImportDatasetAsync(SotopiaDataset dataset, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var content = DatasetContent.Of(dataset);
        var hash = content.Hash();
        var now = NowMs();
        var version = await WriteAsync("import dataset", async (connection, ct) =>
        {
            // One import at a time: the newest version (for the same-content check) and the next number are stable.
            await Execute(connection, "LOCK TABLE dataset_versions IN EXCLUSIVE MODE", ct).ConfigureAwait(false);
            await using (var newest = connection.CreateCommand())
            {
                newest.CommandText = "SELECT version, content_hash FROM dataset_versions ORDER BY version DESC LIMIT 1";
                await using var reader = await newest.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false) && reader.GetString(1) == hash)
                {
                    return reader.GetInt32(0);
                }
            }
            int next;
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT INTO dataset_versions (version, content_hash, created_at, source)
                    SELECT coalesce(max(version), 0) + 1, $1, $2, $3 FROM dataset_versions RETURNING version
                    """;
                insert.Text(hash).Long(now).Text(source);
                next = (int)await insert.ExecuteInt64Async(ct).ConfigureAwait(false);
            }
            await InsertRecordsAsync(connection, next, content, ct).ConfigureAwait(false);
            await UpsertSetsAsync(connection, next, content.Sets.Select(s => (s.Name, s.Json)).ToList(), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken).ConfigureAwait(false);
        return (await ListDatasetVersionsAsync(version, cancellationToken).ConfigureAwait(false))[0];
    }

    public Task AddToDatasetVersionAsync(int version, SotopiaDataset additions, CancellationToken cancellationToken = default)
    {
        var content = DatasetContent.Of(additions);
        return WriteAsync("add to dataset version", async (connection, ct) =>
        {
            // Additions to one version one at a time (their seq numbers follow the version's last ones).
            await using (var locked = connection.CreateCommand())
            {
                locked.CommandText = "SELECT count(*) FROM (SELECT 1 FROM dataset_versions WHERE version = $1 FOR UPDATE) AS v";
                locked.Int(version);
                if (await locked.ExecuteInt64Async(ct).ConfigureAwait(false) == 0)
                {
                    throw UnknownVersion(version);
                }
            }
            await InsertRecordsAsync(connection, version, content, ct).ConfigureAwait(false);
            if (content.Sets.Count == 0)
            {
                return true;
            }
            var stored = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT name, json::text FROM dataset_named_sets WHERE version = $1 AND name = ANY($2)";
                read.Int(version).Add(content.Sets.Select(s => s.Name).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    stored[reader.GetString(0)] = reader.GetString(1);
                }
            }
            var sets = new List<(string Name, string Json)>();
            foreach (var (name, ids, json) in content.Sets)
            {
                if (!stored.TryGetValue(name, out var existing))
                {
                    sets.Add((name, json));
                    continue;
                }
                var have = StoreValues.Parse<ImmutableArray<string>>(existing, $"named set '{name}' of dataset version {version}", _description);
                var merged = have.AddRange(ids.Where(id => !have.Contains(id)).Distinct(StringComparer.Ordinal));
                if (merged.Length != have.Length)
                {
                    sets.Add((name, StoreValues.Json(merged)));
                }
            }
            await UpsertSetsAsync(connection, version, sets, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(CancellationToken cancellationToken = default) =>
        ListDatasetVersionsAsync(null, cancellationToken);

    /// <summary>One version's records in stored order and its named sets by name, read in one snapshot (records page
    /// by page in seq order).</summary>
    public async Task<SotopiaDataset> LoadDatasetAsync(int? version = null, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("load dataset", async (connection, ct) =>
        {
            int chosen;
            await using (var find = connection.CreateCommand())
            {
                find.CommandText = version is null
                    ? "SELECT version FROM dataset_versions ORDER BY version DESC LIMIT 1"
                    : "SELECT version FROM dataset_versions WHERE version = $1";
                if (version is { } v)
                {
                    find.Int(v);
                }
                var found = await find.ExecuteScalarAsync(ct).ConfigureAwait(false);
                if (found is not int number)
                {
                    return version is { } missing ? throw UnknownVersion(missing) : ((List<List<string>>, List<(string, string)>)?)null;
                }
                chosen = number;
            }
            var tables = new List<List<string>>(DatasetContent.Kinds.Length);
            foreach (var kind in DatasetContent.Kinds)
            {
                var jsons = new List<string>();
                var after = -1L;
                while (true)
                {
                    var count = jsons.Count;
                    await using (var command = connection.CreateCommand())
                    {
                        command.CommandText = "SELECT seq, json::text FROM dataset_records WHERE version = $1 AND kind = $2 AND seq > $3 ORDER BY seq LIMIT $4";
                        command.Int(chosen).Text(kind).Long(after).Int(_options.ReadPageSize);
                        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            after = reader.GetInt64(0);
                            jsons.Add(reader.GetString(1));
                        }
                    }
                    if (jsons.Count - count < _options.ReadPageSize)
                    {
                        break;
                    }
                }
                tables.Add(jsons);
            }
            var sets = new List<(string Name, string Json)>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name, json::text FROM dataset_named_sets WHERE version = $1 ORDER BY name";
                command.Int(chosen);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    sets.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            return (tables, sets);
        }, cancellationToken, snapshot: true).ConfigureAwait(false);

        return rows is { } r ? StoreValues.Dataset(r.Item1, r.Item2, _description) : SotopiaDataset.Empty;
    }

    private async Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(int? only, CancellationToken cancellationToken)
    {
        return await ReadAsync("list dataset versions", async (connection, ct) =>
        {
            var filter = only is null ? "" : " WHERE version = $1";
            NpgsqlCommand Filtered(string sql)
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                return only is { } o ? command.Int(o) : command;
            }
            var versions = new List<(int Version, string Hash, long CreatedAt, string Source)>();
            await using (var command = Filtered($"SELECT version, content_hash, created_at, source FROM dataset_versions{filter} ORDER BY version"))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    versions.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
                }
            }
            var counts = versions.ToDictionary(v => v.Version, _ => new Dictionary<string, int>(StringComparer.Ordinal));
            await using (var command = Filtered($"SELECT version, kind, count(*)::int FROM dataset_records{filter} GROUP BY version, kind"))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    if (counts.TryGetValue(reader.GetInt32(0), out var byKind))
                    {
                        byKind[reader.GetString(1)] = reader.GetInt32(2);
                    }
                }
            }
            var sets = versions.ToDictionary(v => v.Version, _ => new List<string>());
            await using (var command = Filtered($"SELECT version, name FROM dataset_named_sets{filter}"))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    if (sets.TryGetValue(reader.GetInt32(0), out var names))
                    {
                        names.Add(reader.GetString(1));
                    }
                }
            }
            return (IReadOnlyList<DatasetVersion>)[.. versions.Select(v => DatasetContent.Version(v.Version, v.Hash, v.CreatedAt, v.Source, counts[v.Version], sets[v.Version]))];
        }, cancellationToken, snapshot: true).ConfigureAwait(false);
    }

    /// <summary>After migrating: versions migrated from data stored before versions get their content hash.</summary>
    private async Task HashMigratedDatasetsAsync(CancellationToken cancellationToken)
    {
        var unhashed = await ReadAsync("find unhashed dataset versions", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version::text FROM dataset_versions WHERE content_hash = ''";
            return await command.ExecuteStringsAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var version in unhashed.Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))
        {
            var hash = DatasetContent.Of(await LoadDatasetAsync(version, cancellationToken).ConfigureAwait(false)).Hash();
            await WriteAsync("hash migrated dataset", async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE dataset_versions SET content_hash = $1 WHERE version = $2 AND content_hash = ''";
                command.Text(hash).Int(version);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static KeyNotFoundException UnknownVersion(int version) =>
        new($"Dataset version {version} does not exist ('sotopia data list' lists the stored versions).");

    /// <summary>Appends the records after the version's last seq of their kind, in the given order; ids the version
    /// already holds are skipped (their content stays).</summary>
    private static async Task InsertRecordsAsync(NpgsqlConnection connection, int version, DatasetContent content, CancellationToken cancellationToken)
    {
        if (content.Records.Count == 0)
        {
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO dataset_records (version, kind, seq, id, json)
            SELECT $1, t.kind, coalesce(m.top, 0) + t.n, t.id, t.json::jsonb
            FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(kind, id, json, n)
            LEFT JOIN (SELECT kind, max(seq) AS top FROM dataset_records WHERE version = $1 GROUP BY kind) AS m ON m.kind = t.kind
            ORDER BY t.n
            ON CONFLICT (version, kind, id) DO NOTHING
            """;
        command.Int(version)
            .Add(content.Records.Select(r => r.Kind).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
            .Add(content.Records.Select(r => r.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
            .Add(content.Records.Select(r => r.Json).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpsertSetsAsync(NpgsqlConnection connection, int version, List<(string Name, string Json)> sets, CancellationToken cancellationToken)
    {
        if (sets.Count == 0)
        {
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO dataset_named_sets (version, name, json)
            SELECT $1, name, json::jsonb FROM unnest($2::text[], $3::text[]) AS t(name, json)
            ON CONFLICT (version, name) DO UPDATE SET json = excluded.json
            """;
        command.Int(version)
            .Add(sets.Select(s => s.Name).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
            .Add(sets.Select(s => s.Json).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
