using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Data;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SotopiaPi.Client.Commands;

/// <summary>Reads a campaign spec from a JSON or YAML file (snake_case keys, as in <c>summary.json</c>).
/// Unknown keys are errors, so a typo never silently falls back to a default. The file is read within bounds: a
/// regular file of at most <see cref="CampaignSpecLimits.MaxSpecBytes"/> in strict UTF-8, and a YAML document of at
/// most <see cref="MaxYamlNodes"/> nodes (anchors and aliases cannot blow it up). Every unknown key is listed at
/// once; the values are checked later against <see cref="CampaignSpecLimits"/> (<c>CampaignPlan.Validate</c>).</summary>
internal static class SpecFile
{
    /// <summary>Nodes a YAML spec may expand to (a full spec has about 40).</summary>
    public const int MaxYamlNodes = 10_000;

    /// <summary>Nesting a YAML spec may have (a spec nests 3 deep).</summary>
    public const int MaxYamlDepth = 32;

    private static readonly JsonSerializerOptions Strict = CreateStrict();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static CampaignSpec Load(string path)
    {
        var text = Read(path);
        var problems = new List<string>();
        JsonNode? node;
        try
        {
            node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })
                : new YamlConverter(path, problems).Convert(text);
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"{path}: line {ex.LineNumber + 1}: not valid JSON: {Trim(ex.Message)}");
        }
        catch (YamlException ex)
        {
            throw new UserFacingException($"{path}: line {ex.Start.Line}: not valid YAML: {ex.Message}");
        }
        Fail(path, problems);
        if (node is not JsonObject root)
        {
            throw new UserFacingException($"{path}: a campaign spec must be an object of settings.");
        }
        UnknownKeys(root, Strict.GetTypeInfo(typeof(CampaignSpec)), "", problems);
        Fail(path, problems);
        try
        {
            return root.Deserialize<CampaignSpec>(Strict) ?? new CampaignSpec();
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"{path}: {FieldOf(ex.Path)}: {Trim(ex.Message)}");
        }
    }

    /// <summary>The file's text, or a user-facing error: missing, not a regular file, too large, invalid UTF-8.</summary>
    private static string Read(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path))
        {
            throw new UserFacingException($"Spec file '{path}' not found.");
        }
        if (FileKindProbe.DescribeIfSpecial(path) is { } kind)
        {
            throw new UserFacingException($"Spec file '{path}' is {kind}, not a regular file.");
        }
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (stream.Length > CampaignSpecLimits.MaxSpecBytes)
            {
                throw TooLarge(path);
            }
            bytes = new byte[CampaignSpecLimits.MaxSpecBytes + 1];
            var total = 0;
            int read;
            while (total < bytes.Length && (read = stream.Read(bytes, total, bytes.Length - total)) > 0)
            {
                total += read;
            }
            if (total > CampaignSpecLimits.MaxSpecBytes)
            {
                throw TooLarge(path);
            }
            Array.Resize(ref bytes, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"Cannot read spec file '{path}': {ex.Message}");
        }
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        if (DataFileReader.FindInvalidUtf8(bytes.AsSpan(start)) is var offset and >= 0)
        {
            var line = bytes.AsSpan(start, offset).Count((byte)'\n') + 1;
            throw new UserFacingException($"{path}: line {line}: invalid UTF-8 (byte 0x{bytes[start + offset]:X2}); a spec must be UTF-8 text.");
        }
        return StrictUtf8.GetString(bytes, start, bytes.Length - start);
    }

    private static UserFacingException TooLarge(string path) => new(
        $"Spec file '{path}' is larger than the limit of {CampaignSpecLimits.MaxSpecBytes / 1024} KiB ({CampaignSpecLimits.MaxSpecBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes); a full spec is about 1 KB.");

    private static void Fail(string path, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new UserFacingException($"{path}: the campaign spec is not valid:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  - " + p))}");
        }
    }

    /// <summary>Lists every key of <paramref name="node"/> (and of the objects inside it) that the spec does not
    /// have, with its path and the keys that are allowed there.</summary>
    private static void UnknownKeys(JsonObject node, JsonTypeInfo type, string prefix, List<string> problems)
    {
        foreach (var (key, value) in node)
        {
            var property = type.Properties.FirstOrDefault(p => p.Name == key);
            if (property is null)
            {
                problems.Add($"{prefix}{key}: unknown key (known keys{(prefix.Length == 0 ? "" : " here")}: {string.Join(", ", type.Properties.Select(p => p.Name))})");
                continue;
            }
            var inner = Strict.GetTypeInfo(property.PropertyType);
            if (value is JsonObject child && inner.Kind == JsonTypeInfoKind.Object)
            {
                UnknownKeys(child, inner, $"{prefix}{key}.", problems);
            }
            else if (value is JsonObject map && inner.Kind == JsonTypeInfoKind.Dictionary && inner.ElementType is { } element
                && Strict.GetTypeInfo(element) is { Kind: JsonTypeInfoKind.Object } elementInfo)
            {
                foreach (var (entry, entryValue) in map)
                {
                    if (entryValue is JsonObject entryObject)
                    {
                        UnknownKeys(entryObject, elementInfo, $"{prefix}{key}.{entry}.", problems);
                    }
                }
            }
        }
    }

    private static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "(spec)" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    /// <summary>An exception message without System.Text.Json's " Path: … | LineNumber: …" tail.</summary>
    private static string Trim(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions(SotopiaJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>YAML → JSON nodes, counting nodes and depth (aliases are expanded, so a small file could otherwise
    /// expand to billions of nodes) and refusing numbers that are not finite.</summary>
    private sealed class YamlConverter(string file, List<string> problems)
    {
        private int _nodes;

        public JsonNode? Convert(string text)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? new JsonObject() : Convert(stream.Documents[0].RootNode, "", 0);
        }

        private JsonNode? Convert(YamlNode node, string path, int depth)
        {
            if (++_nodes > MaxYamlNodes || depth > MaxYamlDepth)
            {
                throw new UserFacingException(
                    $"{file}: line {node.Start.Line}: the YAML document has more than {MaxYamlNodes} values or {MaxYamlDepth} levels of nesting (aliases count each time they are used); a campaign spec needs about 40.");
            }
            switch (node)
            {
                case YamlMappingNode map:
                    var result = new JsonObject();
                    foreach (var (keyNode, valueNode) in map.Children)
                    {
                        if (keyNode is not YamlScalarNode { Value: { } key })
                        {
                            problems.Add($"line {keyNode.Start.Line}: {path}: a key must be a plain name");
                            continue;
                        }
                        if (result.ContainsKey(key))
                        {
                            problems.Add($"line {keyNode.Start.Line}: {path}{key}: the key is given twice");
                            continue;
                        }
                        result[key] = Convert(valueNode, $"{path}{key}.", depth + 1);
                    }
                    return result;
                case YamlSequenceNode sequence:
                    var array = new JsonArray();
                    foreach (var item in sequence.Children)
                    {
                        array.Add(Convert(item, path, depth + 1));
                    }
                    return array;
                case YamlScalarNode scalar:
                    return Scalar(scalar, path.TrimEnd('.'));
                default:
                    problems.Add($"line {node.Start.Line}: {path.TrimEnd('.')}: unsupported YAML node");
                    return null;
            }
        }

        private JsonNode? Scalar(YamlScalarNode scalar, string field)
        {
            var value = scalar.Value ?? "";
            if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
            {
                return JsonValue.Create(value);
            }
            if (value is "" or "~" or "null")
            {
                return null;
            }
            if (value is "true" or "false")
            {
                return JsonValue.Create(value == "true");
            }
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
            {
                return JsonValue.Create(integer);
            }
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                if (!double.IsFinite(number))
                {
                    problems.Add($"line {scalar.Start.Line}: {field}: {value} is not a finite number");
                    return null;
                }
                return JsonValue.Create(number);
            }
            return JsonValue.Create(value);
        }
    }
}
