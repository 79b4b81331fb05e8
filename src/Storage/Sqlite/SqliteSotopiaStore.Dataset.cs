using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    public async Task<DatasetVersion> ImportDatasetAsync(SotopiaDataset dataset, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var content = DatasetContent.Of(dataset);
        var hash = content.Hash();
        var now = StoreValues.ToMs(_time.GetUtcNow());
        var version = await WriteAsync("import dataset", needsSavepoint: true, session =>
        {
            using (var newest = session.Command("SELECT version, content_hash FROM dataset_versions ORDER BY version DESC LIMIT 1").ExecuteReader())
            {
                if (newest.Read() && newest.GetString(1) == hash)
                {
                    return newest.GetInt32(0);
                }
            }
            var next = (int)session.Command("SELECT coalesce(max(version), 0) + 1 FROM dataset_versions").ExecuteInt64();
            session.Command("INSERT INTO dataset_versions (version, content_hash, created_at, source) VALUES ($v, $h, $t, $s)")
                .With("$v", next).With("$h", hash).With("$t", now).With("$s", source).ExecuteNonQuery();
            InsertRecords(session, next, content, onlyNew: false);
            foreach (var (name, _, json) in content.Sets)
            {
                session.Command("INSERT INTO dataset_named_sets (version, name, json) VALUES ($v, $name, $json)")
                    .With("$v", next).With("$name", name).With("$json", json).ExecuteNonQuery();
            }
            return next;
        }, cancellationToken).ConfigureAwait(false);
        return (await ListDatasetVersionsAsync(version, cancellationToken).ConfigureAwait(false))[0];
    }

    public Task AddToDatasetVersionAsync(int version, SotopiaDataset additions, CancellationToken cancellationToken = default)
    {
        var content = DatasetContent.Of(additions);
        return WriteAsync("add to dataset version", needsSavepoint: true, session =>
        {
            if (session.Command("SELECT count(*) FROM dataset_versions WHERE version = $v").With("$v", version).ExecuteInt64() == 0)
            {
                throw UnknownVersion(version);
            }
            InsertRecords(session, version, content, onlyNew: true);
            foreach (var (name, ids, json) in content.Sets)
            {
                var stored = session.Command("SELECT json FROM dataset_named_sets WHERE version = $v AND name = $name")
                    .With("$v", version).With("$name", name).ExecuteString();
                if (stored is null)
                {
                    session.Command("INSERT INTO dataset_named_sets (version, name, json) VALUES ($v, $name, $json)")
                        .With("$v", version).With("$name", name).With("$json", json).ExecuteNonQuery();
                    continue;
                }
                var have = StoreValues.Parse<ImmutableArray<string>>(stored, $"named set '{name}' of dataset version {version}", Description);
                var merged = have.AddRange(ids.Where(id => !have.Contains(id)).Distinct(StringComparer.Ordinal));
                if (merged.Length != have.Length)
                {
                    session.Command("UPDATE dataset_named_sets SET json = $json WHERE version = $v AND name = $name")
                        .With("$v", version).With("$name", name).With("$json", StoreValues.Json(merged)).ExecuteNonQuery();
                }
            }
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(CancellationToken cancellationToken = default) =>
        ListDatasetVersionsAsync(null, cancellationToken);

    /// <summary>One version's records in stored order and its named sets by name, read in one snapshot (records page
    /// by page in seq order).</summary>
    public async Task<SotopiaDataset> LoadDatasetAsync(int? version = null, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("load dataset", session =>
        {
            var found = version is { } v
                ? session.Command("SELECT version FROM dataset_versions WHERE version = $v").With("$v", v).ExecuteString()
                : session.Command("SELECT version FROM dataset_versions ORDER BY version DESC LIMIT 1").ExecuteString();
            if (found is not { } text || !int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var chosen))
            {
                return version is { } missing ? throw UnknownVersion(missing) : null;
            }
            var tables = new List<List<string>>(DatasetContent.Kinds.Length);
            foreach (var kind in DatasetContent.Kinds)
            {
                var jsons = new List<string>();
                var after = -1L;
                while (true)
                {
                    var count = jsons.Count;
                    using (var page = session.Command("SELECT seq, json FROM dataset_records WHERE version = $v AND kind = $k AND seq > $after ORDER BY seq LIMIT $size")
                        .With("$v", chosen).With("$k", kind).With("$after", after).With("$size", _pageSize).ExecuteReader())
                    {
                        while (page.Read())
                        {
                            after = page.GetInt64(0);
                            jsons.Add(page.GetString(1));
                        }
                    }
                    if (jsons.Count - count < _pageSize)
                    {
                        break;
                    }
                }
                tables.Add(jsons);
            }
            var sets = new List<(string Name, string Json)>();
            using var reader = session.Command("SELECT name, json FROM dataset_named_sets WHERE version = $v ORDER BY name").With("$v", chosen).ExecuteReader();
            while (reader.Read())
            {
                sets.Add((reader.GetString(0), reader.GetString(1)));
            }
            return ((List<List<string>> Tables, List<(string, string)> Sets)?)(tables, sets);
        }, cancellationToken, snapshot: true).ConfigureAwait(false);

        return rows is { } r ? StoreValues.Dataset(r.Tables, r.Sets, Description) : SotopiaDataset.Empty;
    }

    private string Description => $"SQLite store '{_path}'";

    private async Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(int? only, CancellationToken cancellationToken)
    {
        return await ReadAsync("list dataset versions", session =>
        {
            var filter = only is null ? "" : " WHERE version = $only";
            Microsoft.Data.Sqlite.SqliteCommand Filtered(string sql)
            {
                var command = session.Command(sql);
                return only is { } o ? command.With("$only", o) : command;
            }
            var versions = new List<(int Version, string Hash, long CreatedAt, string Source)>();
            using (var reader = Filtered($"SELECT version, content_hash, created_at, source FROM dataset_versions{filter} ORDER BY version").ExecuteReader())
            {
                while (reader.Read())
                {
                    versions.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
                }
            }
            var counts = versions.ToDictionary(v => v.Version, _ => new Dictionary<string, int>(StringComparer.Ordinal));
            using (var reader = Filtered($"SELECT version, kind, count(*) FROM dataset_records{filter} GROUP BY version, kind").ExecuteReader())
            {
                while (reader.Read())
                {
                    if (counts.TryGetValue(reader.GetInt32(0), out var byKind))
                    {
                        byKind[reader.GetString(1)] = reader.GetInt32(2);
                    }
                }
            }
            var sets = versions.ToDictionary(v => v.Version, _ => new List<string>());
            using (var reader = Filtered($"SELECT version, name FROM dataset_named_sets{filter}").ExecuteReader())
            {
                while (reader.Read())
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
        var unhashed = await ReadAsync("find unhashed dataset versions", session =>
            session.Command("SELECT version FROM dataset_versions WHERE content_hash = ''").ExecuteStrings(), cancellationToken).ConfigureAwait(false);
        foreach (var version in unhashed.Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))
        {
            var hash = DatasetContent.Of(await LoadDatasetAsync(version, cancellationToken).ConfigureAwait(false)).Hash();
            await WriteAsync("hash migrated dataset", needsSavepoint: false, session =>
                session.Command("UPDATE dataset_versions SET content_hash = $h WHERE version = $v AND content_hash = ''")
                    .With("$h", hash).With("$v", version).ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static KeyNotFoundException UnknownVersion(int version) =>
        new($"Dataset version {version} does not exist ('sotopia data list' lists the stored versions).");

    /// <summary>Appends the records to the version after its last seq, in the given order; with
    /// <paramref name="onlyNew"/>, ids the version already holds are skipped (their content stays).</summary>
    private static void InsertRecords(SqliteSession session, int version, DatasetContent content, bool onlyNew)
    {
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, id, json) in content.Records)
        {
            if (!next.TryGetValue(kind, out var seq))
            {
                seq = session.Command("SELECT coalesce(max(seq), 0) + 1 FROM dataset_records WHERE version = $v AND kind = $k")
                    .With("$v", version).With("$k", kind).ExecuteInt64();
            }
            var inserted = session.Command($"INSERT INTO dataset_records (version, kind, seq, id, json) VALUES ($v, $k, $seq, $id, $json){(onlyNew ? " ON CONFLICT DO NOTHING" : "")}")
                .With("$v", version).With("$k", kind).With("$seq", seq).With("$id", id).With("$json", json).ExecuteNonQuery();
            next[kind] = inserted > 0 ? seq + 1 : seq;
        }
    }
}
