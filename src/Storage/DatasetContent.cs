using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>A dataset as rows to store (kind, id, JSON; named sets by name), and its content hash: SHA-256 over
/// "kind\tid\tjson\n" per record (characters, relationships, scenarios, tasks, each in the given order) and
/// "set\tname\tjson\n" per named set in ordinal name order, the JSON being <see cref="SotopiaJson"/>'s.</summary>
internal sealed class DatasetContent
{
    public static readonly string[] Kinds = ["characters", "relationships", "scenarios", "tasks"];

    public List<(string Kind, string Id, string Json)> Records { get; } = [];
    public List<(string Name, ImmutableArray<string> Ids, string Json)> Sets { get; } = [];

    /// <summary>Validates ids (non-empty) and names; a record id given twice within a kind keeps its first
    /// place and its last content.</summary>
    public static DatasetContent Of(SotopiaDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var content = new DatasetContent();
        content.Add("characters", dataset.Characters, c => c.Id);
        content.Add("relationships", dataset.Relationships, r => r.Id);
        content.Add("scenarios", dataset.Scenarios, s => s.Id);
        content.Add("tasks", dataset.Tasks, t => t.Id);
        foreach (var (name, ids) in dataset.NamedSets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(dataset));
            var list = ids.IsDefault ? [] : ids;
            content.Sets.Add((name, list, StoreValues.Json(list)));
        }
        return content;
    }

    public string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (kind, id, json) in Records)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{kind}\t{id}\t{json}\n"));
        }
        foreach (var (name, _, json) in Sets)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"set\t{name}\t{json}\n"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private void Add<T>(string kind, IEnumerable<T> records, Func<T, string> id)
    {
        if (records is ImmutableArray<T> { IsDefault: true })
        {
            return;
        }
        var places = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, kind);
            var key = id(record);
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException($"A record of {kind} has no id.", kind);
            }
            var row = (kind, key, StoreValues.Json(record));
            if (places.TryGetValue(key, out var place))
            {
                Records[place] = row;
            }
            else
            {
                places[key] = Records.Count;
                Records.Add(row);
            }
        }
    }

    /// <summary>Builds the version's summary from its stored metadata, record counts by kind and set names.</summary>
    public static DatasetVersion Version(int version, string hash, long createdAtMs, string source,
        IReadOnlyDictionary<string, int> counts, IEnumerable<string> sets) => new()
    {
        Version = version,
        ContentHash = hash,
        CreatedAt = StoreValues.FromMs(createdAtMs),
        Source = source,
        Characters = counts.GetValueOrDefault("characters"),
        Relationships = counts.GetValueOrDefault("relationships"),
        Scenarios = counts.GetValueOrDefault("scenarios"),
        Tasks = counts.GetValueOrDefault("tasks"),
        NamedSets = [.. sets.Order(StringComparer.Ordinal)],
    };
}
