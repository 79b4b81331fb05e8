using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private static readonly string[] DatasetTables = ["characters", "relationships", "scenarios", "tasks"];

    public Task ImportDatasetAsync(SotopiaDataset dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var rows = new List<(string Table, string Id, string Json)>();
        AddRows(rows, "characters", dataset.Characters, c => c.Id);
        AddRows(rows, "relationships", dataset.Relationships, r => r.Id);
        AddRows(rows, "scenarios", dataset.Scenarios, s => s.Id);
        AddRows(rows, "tasks", dataset.Tasks, t => t.Id);
        var sets = new List<(string Name, string Json)>();
        foreach (var (name, ids) in dataset.NamedSets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(dataset));
            sets.Add((name, StoreValues.Json(ids.IsDefault ? [] : ids)));
        }
        return WriteAsync("import dataset", needsSavepoint: true, session =>
        {
            UpsertRows(session, rows);
            foreach (var (name, json) in sets)
            {
                session.Command("INSERT INTO named_sets (name, json) VALUES ($name, $json) ON CONFLICT (name) DO UPDATE SET json = excluded.json")
                    .With("$name", name).With("$json", json).ExecuteNonQuery();
            }
            return true;
        }, cancellationToken);
    }

    public Task UpsertTasksAsync(IReadOnlyList<SocialTask> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var rows = new List<(string Table, string Id, string Json)>(tasks.Count);
        AddRows(rows, "tasks", tasks, t => t.Id);
        return WriteAsync("upsert tasks", needsSavepoint: true, session =>
        {
            UpsertRows(session, rows);
            return true;
        }, cancellationToken);
    }

    /// <summary>Everything stored, read in one snapshot. Records come in the order their ids were first
    /// stored (an upsert of an existing id keeps its place); named sets by name.</summary>
    public async Task<SotopiaDataset> LoadDatasetAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("load dataset", session =>
        {
            var tables = new List<List<string>>(DatasetTables.Length);
            foreach (var table in DatasetTables)
            {
                // Page by page (seq order) inside the one snapshot.
                var jsons = new List<string>();
                var after = 0L;
                while (true)
                {
                    var count = jsons.Count;
                    using (var page = session.Command($"SELECT seq, json FROM {table} WHERE seq > $after ORDER BY seq LIMIT $size")
                        .With("$after", after).With("$size", _pageSize).ExecuteReader())
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
            using var reader = session.Command("SELECT name, json FROM named_sets ORDER BY name").ExecuteReader();
            while (reader.Read())
            {
                sets.Add((reader.GetString(0), reader.GetString(1)));
            }
            return (tables, sets);
        }, cancellationToken, snapshot: true).ConfigureAwait(false);

        return StoreValues.Dataset(rows.tables, rows.sets, $"SQLite store '{_path}'");
    }

    private static void AddRows<T>(List<(string Table, string Id, string Json)> rows, string table, IEnumerable<T> records, Func<T, string> id)
    {
        if (records is ImmutableArray<T> { IsDefault: true })
        {
            return;
        }
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, table);
            var key = id(record);
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException($"A record of {table} has no id.", table);
            }
            rows.Add((table, key, StoreValues.Json(record)));
        }
    }

    private static void UpsertRows(SqliteSession session, List<(string Table, string Id, string Json)> rows)
    {
        foreach (var (table, id, json) in rows)
        {
            session.Command($"INSERT INTO {table} (id, json) VALUES ($id, $json) ON CONFLICT (id) DO UPDATE SET json = excluded.json")
                .With("$id", id).With("$json", json).ExecuteNonQuery();
        }
    }
}
