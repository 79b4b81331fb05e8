using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    private static readonly string[] DatasetTables = ["characters", "relationships", "scenarios", "tasks"];

    public Task ImportDatasetAsync(SotopiaDataset dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var tables = new List<(string Table, Rows Rows)>
        {
            ("characters", Collect("characters", dataset.Characters, c => c.Id)),
            ("relationships", Collect("relationships", dataset.Relationships, r => r.Id)),
            ("scenarios", Collect("scenarios", dataset.Scenarios, s => s.Id)),
            ("tasks", Collect("tasks", dataset.Tasks, t => t.Id)),
        };
        var setNames = new List<string>();
        var setJsons = new List<string>();
        foreach (var (name, ids) in dataset.NamedSets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(dataset));
            setNames.Add(name);
            setJsons.Add(StoreValues.Json(ids.IsDefault ? [] : ids));
        }
        return WriteAsync("import dataset", async (connection, ct) =>
        {
            foreach (var (table, rows) in tables)
            {
                await UpsertRowsAsync(connection, table, rows, ct).ConfigureAwait(false);
            }
            if (setNames.Count > 0)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO named_sets (name, json) SELECT name, json::jsonb FROM unnest($1::text[], $2::text[]) AS t(name, json)
                    ON CONFLICT (name) DO UPDATE SET json = excluded.json
                    """;
                command.Add(setNames.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text).Add(setJsons.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken);
    }

    public Task UpsertTasksAsync(IReadOnlyList<SocialTask> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var rows = Collect("tasks", tasks, t => t.Id);
        return WriteAsync("upsert tasks", async (connection, ct) =>
        {
            await UpsertRowsAsync(connection, "tasks", rows, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Everything stored, read in one snapshot. Records come in the order their ids were first
    /// stored (an upsert of an existing id keeps its place); named sets by name.</summary>
    public async Task<SotopiaDataset> LoadDatasetAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync("load dataset", async (connection, ct) =>
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
                    await using (var command = connection.CreateCommand())
                    {
                        command.CommandText = $"SELECT seq, json::text FROM {table} WHERE seq > $1 ORDER BY seq LIMIT $2";
                        command.Long(after).Int(_options.ReadPageSize);
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
                command.CommandText = "SELECT name, json::text FROM named_sets ORDER BY name";
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    sets.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            return (tables, sets);
        }, cancellationToken, snapshot: true).ConfigureAwait(false);

        return StoreValues.Dataset(rows.tables, rows.sets, _description);
    }

    /// <summary>Ids and JSON of records to upsert, one per id: in the order of each id's first occurrence, with
    /// the last occurrence's content (what upserting them one by one would store).</summary>
    private sealed record Rows(string[] Ids, string[] Jsons);

    private static Rows Collect<T>(string table, IEnumerable<T> records, Func<T, string> id)
    {
        var order = new List<string>();
        var jsons = new Dictionary<string, string>(StringComparer.Ordinal);
        if (records is not ImmutableArray<T> { IsDefault: true })
        {
            foreach (var record in records)
            {
                ArgumentNullException.ThrowIfNull(record, table);
                var key = id(record);
                if (string.IsNullOrEmpty(key))
                {
                    throw new ArgumentException($"A record of {table} has no id.", table);
                }
                if (!jsons.ContainsKey(key))
                {
                    order.Add(key);
                }
                jsons[key] = StoreValues.Json(record);
            }
        }
        return new Rows([.. order], [.. order.Select(key => jsons[key])]);
    }

    private static async Task UpsertRowsAsync(NpgsqlConnection connection, string table, Rows rows, CancellationToken cancellationToken)
    {
        if (rows.Ids.Length == 0)
        {
            return;
        }
        await using var command = connection.CreateCommand();
        // Ordinality keeps the given order, so new ids get their sequence numbers in that order.
        command.CommandText = $"""
            INSERT INTO {table} (id, json)
            SELECT id, json::jsonb FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, json, n) ORDER BY n
            ON CONFLICT (id) DO UPDATE SET json = excluded.json
            """;
        command.Add(rows.Ids, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(rows.Jsons, NpgsqlDbType.Array | NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
