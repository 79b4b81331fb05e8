using System.Text.RegularExpressions;

namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>An overlay rendered by <c>kubectl kustomize</c>, with lookups for the invariants.</summary>
internal sealed partial class RenderedOverlay(string name, string yaml, IReadOnlyList<ManifestObject> objects)
{
    public static readonly string[] Names = ["dev", "production", "production-hpa", "azure"];

    public string Name { get; } = name;

    public string Yaml { get; } = yaml;

    public IReadOnlyList<ManifestObject> Objects { get; } = objects;

    public static async Task<RenderedOverlay> RenderAsync(string name)
    {
        var result = await ExternalCommand.RunAsync("kubectl", ["kustomize", RepositoryPaths.Overlay(name)], RepositoryPaths.Root, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize k8s/overlays/{name} failed (exit {result.ExitCode}): {result.Error}");
        return new RenderedOverlay(name, result.Output, ManifestObject.Parse(result.Output));
    }

    public IEnumerable<ManifestObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public ManifestObject? Find(string kind, string name) => Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);

    public ManifestObject Single(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"overlay {Name}: no {kind}/{name} (it has: {string.Join(", ", Objects.Select(o => o.Id))})");

    /// <summary>Deployments and StatefulSets.</summary>
    public IEnumerable<ManifestObject> Workloads => Objects.Where(o => o.Kind is "Deployment" or "StatefulSet");

    public static Dictionary<string, object?> PodSpec(ManifestObject workload) => ManifestObject.Map(workload.Get("spec.template.spec"));

    public static IEnumerable<Dictionary<string, object?>> Containers(ManifestObject workload) =>
        ManifestObject.List(PodSpec(workload).GetValueOrDefault("containers")).Select(ManifestObject.Map);

    public static Dictionary<string, object?> Container(ManifestObject workload, string name) =>
        Containers(workload).SingleOrDefault(c => c.GetValueOrDefault("name") as string == name)
        ?? throw new Xunit.Sdk.XunitException($"{workload.Id} has no container '{name}'");

    /// <summary>Every variable a container gets (explicit <c>env</c> and the keys of <c>envFrom</c> ConfigMaps and
    /// Secrets rendered in the overlay), with its literal value when it has one.</summary>
    public Dictionary<string, string?> Environment(Dictionary<string, object?> container)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var source in ManifestObject.List(container.GetValueOrDefault("envFrom")).Select(ManifestObject.Map))
        {
            if (ManifestObject.Walk(source, "configMapRef.name") is string configMap)
            {
                foreach (var (key, value) in ManifestObject.StringMap(Single("ConfigMap", configMap).Get("data")))
                {
                    result[key] = value;
                }
            }
            if (ManifestObject.Walk(source, "secretRef.name") is string secret)
            {
                foreach (var key in ManifestObject.Map(Single("Secret", secret).Get("data")).Keys)
                {
                    result[key] = null;
                }
            }
        }
        foreach (var variable in ManifestObject.List(container.GetValueOrDefault("env")).Select(ManifestObject.Map))
        {
            result[(string)variable["name"]!] = variable.GetValueOrDefault("value") as string;
        }
        return result;
    }

    /// <summary>Variables used only to build other values (<c>$(POD_IP)</c> in another variable of the container).</summary>
    public static IReadOnlySet<string> Referenced(Dictionary<string, string?> environment) =>
        environment.Values.OfType<string>().SelectMany(v => Reference().Matches(v).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    public static bool LabelsMatch(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
