using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Loads SOTOPIA data and validates it. Accepted inputs:
/// <list type="bullet">
/// <item>a folder in SOTOPIA's flattened JSONL layout (<see cref="CharactersFile"/>, <see cref="RelationshipsFile"/>,
/// <see cref="ScenariosFile"/>, <see cref="TasksFile"/>, each optional) plus optional named-set files
/// (<see cref="SetFileNames"/>);</item>
/// <item>a Redis-OM JSON export: one object whose keys are <c>:&lt;python.class.path&gt;:&lt;pk&gt;</c> and whose values
/// are the records (or JSON strings holding them);</item>
/// <item>a named-set file: an object of set name → list of scenario ids.</item>
/// </list>
/// Bad content never throws: every problem is reported in <see cref="DataLoadResult.Problems"/> and only the bad
/// record is skipped. Only an unreadable input (e.g. a missing path) throws <see cref="DataLoadException"/>.
/// Reading is bounded by <see cref="DataLimits"/>: files must be regular files of at most
/// <see cref="DataLimits.MaxFileBytes"/> in strict UTF-8, and JSONL lines at most <see cref="DataLimits.MaxLineBytes"/>
/// long; what passes a limit is reported as an error naming the file, the line and the limit.</summary>
public static partial class SotopiaDataLoader
{
    public const string CharactersFile = "agent_profiles.jsonl";
    public const string RelationshipsFile = "relationship_profiles.jsonl";
    public const string ScenariosFile = "environment_profiles.jsonl";
    public const string TasksFile = "env_agent_combo_storages.jsonl";

    /// <summary>The built-in named set holding every scenario of the dataset, in file order; present whenever the
    /// dataset has scenarios, unless a set file defines its own set of that name. <c>--eval-set all</c> evaluates
    /// on it, which makes datasets without named sets usable for evaluation.</summary>
    public const string AllScenariosSet = "all";

    /// <summary>Named-set files read from a data folder, in this order.</summary>
    public static ImmutableArray<string> SetFileNames { get; } = ["used_env.json", "env_ids.json", "sets.json"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static DataLoadResult Load(string path) => Load(path, []);

    /// <summary>Loads <paramref name="path"/> and adds the named sets of every file in
    /// <paramref name="extraSetFiles"/>, within <see cref="DataLimits.Default"/>.</summary>
    /// <exception cref="DataLoadException">A path does not exist or cannot be read.</exception>
    public static DataLoadResult Load(string path, IEnumerable<string> extraSetFiles) => Load(path, extraSetFiles, DataLimits.Default);

    /// <summary>Loads <paramref name="path"/> and adds the named sets of every file in
    /// <paramref name="extraSetFiles"/>, reading no more than <paramref name="limits"/> allow.</summary>
    /// <exception cref="DataLoadException">A path does not exist or cannot be read.</exception>
    public static DataLoadResult Load(string path, IEnumerable<string> extraSetFiles, DataLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(extraSetFiles);
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new DataLoadException("No data path was given.");
        }

        var collector = new DatasetCollector(limits);
        string source;
        if (Directory.Exists(path))
        {
            source = LoadFolder(path, collector);
        }
        else if (File.Exists(path))
        {
            source = LoadJsonFile(path, Path.GetFileName(path), collector, setsOnly: false);
        }
        else
        {
            throw new DataLoadException(
                $"Data path '{path}' does not exist (expected a folder of SOTOPIA JSONL files, a Redis-OM JSON export or a named-set JSON file).");
        }

        var extras = extraSetFiles.ToList();
        foreach (var file in extras)
        {
            if (!File.Exists(file))
            {
                throw new DataLoadException($"Named-set file '{file}' does not exist.");
            }

            LoadJsonFile(file, file, collector, setsOnly: true);
        }

        if (extras.Count > 0)
        {
            source += $" + sets from {string.Join(", ", extras)}";
        }

        return collector.Build(source);
    }

    private static string LoadFolder(string folder, DatasetCollector collector)
    {
        var found = new List<string>();
        ReadJsonl(folder, CharactersFile, collector, found, SotopiaRecordParser.ParseCharacter, collector.Characters);
        ReadJsonl(folder, ScenariosFile, collector, found, SotopiaRecordParser.ParseScenario, collector.Scenarios);
        ReadJsonl(folder, RelationshipsFile, collector, found, SotopiaRecordParser.ParseRelationship, collector.Relationships);
        ReadJsonl(folder, TasksFile, collector, found, SotopiaRecordParser.ParseTask, collector.Tasks);
        foreach (var name in SetFileNames)
        {
            var file = Path.Combine(folder, name);
            if (File.Exists(file))
            {
                LoadJsonFile(file, name, collector, setsOnly: true);
                found.Add(name);
            }
        }

        if (found.Count == 0)
        {
            collector.Problems.Add(new DataProblem(
                DataProblemSeverity.Warning,
                folder,
                null,
                null,
                $"no SOTOPIA data files found (expected {CharactersFile}, {RelationshipsFile}, {ScenariosFile}, {TasksFile})"));
        }

        return $"folder {folder} ({string.Join(", ", found)})";
    }

    private static void ReadJsonl<T>(
        string folder,
        string name,
        DatasetCollector collector,
        List<string> found,
        Func<FieldReader, string?, ParsedRecord<T>?> parse,
        List<ParsedRecord<T>> target)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            return;
        }

        found.Add(name);
        using var stream = DataFileReader.Open(path, name, collector.Limits, collector.Problems);
        if (stream is null)
        {
            return;
        }

        DataFileReader.ReadLines(stream, name, collector.Limits, collector.Problems, (line, text) =>
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            var origin = new RecordOrigin(name, line);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, DocumentOptions);
            }
            catch (JsonException exception)
            {
                collector.Problems.Add(origin.Error(null, DescribeJsonError(exception)));
                return;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    collector.Problems.Add(origin.Error(null, $"expected a JSON object, found {FieldReader.Describe(document.RootElement)}"));
                    return;
                }

                var record = parse(new FieldReader(document.RootElement, origin, collector.Problems), null);
                if (record is not null)
                {
                    target.Add(record);
                }
            }
        });
    }

    /// <summary>Reads a single JSON file: a Redis-OM export, or named sets. Returns the source description.</summary>
    private static string LoadJsonFile(string path, string display, DatasetCollector collector, bool setsOnly)
    {
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataLoadException(
                $"'{path}' is a JSONL file; pass the folder that holds {CharactersFile}, {RelationshipsFile}, {ScenariosFile} and {TasksFile} instead.");
        }

        byte[]? bytes;
        using (var stream = DataFileReader.Open(path, display, collector.Limits, collector.Problems))
        {
            bytes = stream is null ? null : DataFileReader.ReadJson(stream, display, collector.Limits, collector.Problems);
        }

        if (bytes is null)
        {
            return $"JSON file {path} (not read)";
        }

        ReadOnlyMemory<byte> json = bytes;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            var line = exception.LineNumber is long number ? (int)number + 1 : (int?)null;
            collector.Problems.Add(new DataProblem(DataProblemSeverity.Error, display, line, null, DescribeJsonError(exception)));
            return $"JSON file {path} (not valid JSON)";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                collector.Problems.Add(new DataProblem(
                    DataProblemSeverity.Error,
                    display,
                    1,
                    null,
                    $"expected a JSON object (a Redis-OM export or set name → list of scenario ids), found {FieldReader.Describe(root)}"));
                return $"JSON file {path}";
            }

            var lines = TopLevelPropertyLines(json.Span);
            var properties = root.EnumerateObject()
                .Select((p, i) => (p.Name, p.Value, Origin: new RecordOrigin(display, i < lines.Count ? lines[i] : null)))
                .ToList();
            if (!setsOnly && properties.Any(p => IsRedisKey(p.Name, out _, out _)))
            {
                RedisOmImport.Read(properties, display, collector);
                return $"Redis-OM export {path}";
            }

            ReadSets(properties, collector);
            return $"named-set file {path}";
        }
    }

    private static void ReadSets(List<(string Name, JsonElement Value, RecordOrigin Origin)> properties, DatasetCollector collector)
    {
        foreach (var (name, value, origin) in properties)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                if (!name.StartsWith('_'))
                {
                    collector.Problems.Add(origin.Error(name, $"expected a list of scenario ids, found {FieldReader.Describe(value)}"));
                }

                continue;
            }

            var ids = ImmutableArray.CreateBuilder<string>();
            var ok = true;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                {
                    ids.Add(item.GetString()!.Trim());
                }
                else if (item.ValueKind == JsonValueKind.Object && TryGetId(item, out var id))
                {
                    ids.Add(id);
                }
                else
                {
                    collector.Problems.Add(origin.Error(name, $"expected a list of scenario ids, found an item that is {FieldReader.Describe(item)}"));
                    ok = false;
                    break;
                }
            }

            if (ok)
            {
                collector.Sets.Add(new RawNamedSet(name, ids.ToImmutable(), origin));
            }
        }
    }

    private static bool TryGetId(JsonElement item, out string id)
    {
        foreach (var name in new[] { "env_id", "pk", "id" })
        {
            if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(value.GetString()))
            {
                id = value.GetString()!.Trim();
                return true;
            }
        }

        id = "";
        return false;
    }

    /// <summary>A Redis-OM key: <c>:&lt;python.class.path&gt;:&lt;pk&gt;</c> with a pk that has no further colon.</summary>
    internal static bool IsRedisKey(string key, out string classPath, out string pk)
    {
        classPath = "";
        pk = "";
        if (key.Length < 4 || key[0] != ':')
        {
            return false;
        }

        var separator = key.IndexOf(':', 1);
        if (separator <= 1 || separator == key.Length - 1 || key.IndexOf(':', separator + 1) >= 0)
        {
            return false;
        }

        classPath = key[1..separator];
        pk = key[(separator + 1)..];
        return true;
    }

    /// <summary>The 1-based line of each property of the root object, in document order.</summary>
    private static List<int> TopLevelPropertyLines(ReadOnlySpan<byte> json)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        var line = 1;
        var counted = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var start = (int)reader.TokenStartIndex;
                line += json[counted..start].Count((byte)'\n');
                counted = start;
                lines.Add(line);
            }
        }

        return lines;
    }

    internal static string DescribeJsonError(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        if (cut >= 0)
        {
            message = message[..cut];
        }

        // The parser quotes the offending character ("'r' is an invalid start of a value"): never echo file content.
        message = QuotedCharacter().Replace(message, "a character");

        var column = exception.BytePositionInLine is long position
            ? $" at column {(position + 1).ToString(CultureInfo.InvariantCulture)}"
            : "";
        return $"invalid JSON{column}: {message.TrimEnd('.')}";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^'[^']{1,8}'")]
    private static partial System.Text.RegularExpressions.Regex QuotedCharacter();
}
