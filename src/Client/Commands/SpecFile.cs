using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SotopiaPi.Grains.Interfaces;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SotopiaPi.Client.Commands;

/// <summary>Reads a campaign spec from a JSON or YAML file (snake_case keys, as in <c>summary.json</c>).
/// Unknown keys are errors, so a typo never silently falls back to a default.</summary>
internal static class SpecFile
{
    private static readonly JsonSerializerOptions Strict = CreateStrict();

    public static CampaignSpec Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserFacingException($"Spec file '{path}' not found.");
        }
        var text = File.ReadAllText(path);
        JsonNode? node;
        try
        {
            node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(text) : YamlToJson(text);
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"{path}: line {ex.LineNumber + 1}: not valid JSON: {ex.Message}");
        }
        catch (YamlException ex)
        {
            throw new UserFacingException($"{path}: line {ex.Start.Line}: not valid YAML: {ex.Message}");
        }
        if (node is not JsonObject)
        {
            throw new UserFacingException($"{path}: a campaign spec must be an object of settings.");
        }
        try
        {
            return node.Deserialize<CampaignSpec>(Strict) ?? new CampaignSpec();
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"{path}: {ex.Path}: {ex.Message}");
        }
    }

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions(SotopiaJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new JsonObject() : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new UserFacingException($"Unsupported YAML node at line {node.Start.Line}."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
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
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }
}
