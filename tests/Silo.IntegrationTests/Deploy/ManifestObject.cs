using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>One rendered Kubernetes object as plain values: mappings are dictionaries, sequences lists, scalars
/// strings. <see cref="Get"/> walks a dotted path (<c>spec.template.spec</c>).</summary>
internal sealed class ManifestObject(Dictionary<string, object?> root)
{
    public Dictionary<string, object?> Root { get; } = root;

    public string Kind => Root.TryGetValue("kind", out var k) ? (string)k! : "";

    public string Name => Get("metadata.name") as string ?? "";

    public string Id => $"{Kind}/{Name}";

    public object? Get(string path) => Walk(Root, path);

    public static object? Walk(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                Dictionary<string, object?> map => map.TryGetValue(part, out var v) ? v : null,
                List<object?> list when int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    public static Dictionary<string, object?> Map(object? node) => node as Dictionary<string, object?> ?? [];

    public static List<object?> List(object? node) => node as List<object?> ?? [];

    public static Dictionary<string, string> StringMap(object? node) =>
        Map(node).Where(p => p.Value is string).ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);

    public static IReadOnlyList<ManifestObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => new ManifestObject((Dictionary<string, object?>)Convert(d.RootNode)!))];
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => Convert(p.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}
