using System.Collections.Immutable;
using System.Collections.Frozen;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>How values are written to key columns: times as Unix milliseconds (UTC), enums by the same
/// snake_case names <see cref="SotopiaJson"/> uses in the JSON documents.</summary>
internal static class StoreValues
{
    private static readonly FrozenDictionary<string, EpisodeStatus> EpisodeStatuses =
        Enum.GetValues<EpisodeStatus>().ToFrozenDictionary(Name, status => status, StringComparer.Ordinal);

    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>What an update of a training request replaces: its status column and, as JSON values, the fields of
    /// its document that may change (status, trainer, progress, published version, error, completion time).</summary>
    public static (string Status, string StatusJson, string TrainerJson, string ProgressJson, string VersionJson, string ErrorJson, string CompletedJson)
        UpdatedFields(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id, nameof(request));
        return (Name(request.Status), Json(request.Status), Json(request.TrainerId), Json(request.Progress),
            Json(request.PublishedVersion), Json(request.Error), Json(request.CompletedAt));
    }

    public static long? ToMs(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The snake_case wire name of an enum value, as in the JSON documents.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static EpisodeStatus ParseEpisodeStatus(string name, string path) =>
        EpisodeStatuses.TryGetValue(name, out var status)
            ? status
            : throw new InvalidDataException($"SQLite store '{path}': unknown episode status '{name}' in table episodes.");

    /// <summary>A value as a JSON fragment, for <c>json_set(…, json($fragment))</c>.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SotopiaJson.Options);

    /// <summary>Reads a stored JSON record; <paramref name="store"/> names the store in the error (its file or server).</summary>
    public static T Parse<T>(string json, string what, string store)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, SotopiaJson.Options)
                ?? throw new InvalidDataException($"{store}: {what} is stored as JSON null.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{store}: {what} has invalid stored JSON: {error.Message}", error);
        }
    }

    /// <summary>Builds the dataset from its stored rows: the JSON of characters, relationships, scenarios and tasks
    /// (in that order) and the named sets.</summary>
    public static SotopiaDataset Dataset(IReadOnlyList<IReadOnlyList<string>> tables, IEnumerable<(string Name, string Json)> sets, string store)
    {
        var namedSets = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var (name, json) in sets)
        {
            namedSets[name] = Parse<ImmutableArray<string>>(json, $"named set '{name}'", store);
        }
        return new SotopiaDataset
        {
            Characters = [.. tables[0].Select(json => Parse<Character>(json, "a character", store))],
            Relationships = [.. tables[1].Select(json => Parse<RelationshipProfile>(json, "a relationship", store))],
            Scenarios = [.. tables[2].Select(json => Parse<Scenario>(json, "a scenario", store))],
            Tasks = [.. tables[3].Select(json => Parse<SocialTask>(json, "a task", store))],
            NamedSets = namedSets.ToImmutable(),
        };
    }
}
