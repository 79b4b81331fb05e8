using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;
using YamlDotNet.RepresentationModel;

namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>Every environment variable a pod sets is one its app reads: the silo's against
/// <see cref="SiloEnvironment"/> (and its options classes by reflection), the trainer's against the trainer
/// process's code, and the settings as a whole are accepted by the silo's own settings reader.</summary>
public sealed class EnvironmentContractTests(RenderedOverlaysFixture overlays) : IClassFixture<RenderedOverlaysFixture>
{
    /// <summary>The trainer process's variables as its branch documents them (TrainerCommandLine.Usage), used only
    /// until src/Trainer/TrainerProgram.cs is merged; from then on the names are looked up in its code.</summary>
    private static readonly string[] TrainerDocumentedNames =
        ["SOTOPIA_STORE", "SOTOPIA_ARTIFACTS", "SOTOPIA_TRAINER_BACKENDS", "SOTOPIA_TRAINER_CONFIG", "OPENAI_API_KEY", "OPENAI_BASE_URL"];

    /// <summary>Trainer:External settings documented by the trainer branch, accepted only while TrainerOptions has
    /// no such property (before the merge); afterwards they are checked against the options by reflection.</summary>
    private static readonly string[] TrainerDocumentedExternalKeys =
        ["Command", "Arguments", "BaseModel", "Timeout", "VllmServers", "VllmApiKeyVariable", "ProbeAfterPublish"];

    /// <summary>Third-party images and the variables their documentation defines.</summary>
    private static readonly Dictionary<string, string[]> ThirdParty = new()
    {
        ["postgres"] = ["POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "PGDATA"],
        ["vllm"] = ["VLLM_ALLOW_RUNTIME_LORA_UPDATING", "VLLM_API_KEY", "HF_HOME", "HF_TOKEN"],
        ["otel-collector"] = [],
    };

    /// <summary>The azure profile's variables as k8s/overlays/azure sets them: the profile switch, which the silo's and
    /// the trainer's code must name, and <c>AzureStorage__*</c>, which must be properties of
    /// <see cref="SotopiaPi.Storage.Azure.AzureStorageOptions"/> bound by that code.</summary>
    private static readonly string[] AzureProfileNames = ["SOTOPIA_PROFILE", "AzureStorage__ConnectionString", "AzureStorage__ArtifactsContainer"];

    public static TheoryData<string> Overlays => [.. RenderedOverlay.Names];

    private static bool AzureProfileMerged => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
        .Any(f => File.ReadAllText(f).Contains("Microsoft.Orleans.Persistence.AzureStorage", StringComparison.Ordinal));

    private static string? AzureProblem(string variable, string folder)
    {
        const string section = "AzureStorage__";
        if (!AzureProfileMerged)
        {
            return null;
        }
        if (variable.StartsWith(section, StringComparison.Ordinal))
        {
            var property = variable[section.Length..];
            if (typeof(SotopiaPi.Storage.Azure.AzureStorageOptions).GetProperty(property) is null)
            {
                return $"{variable}: AzureStorageOptions has no property {property}";
            }
            return SourceMentions(folder, "AzureStorageOptions") ? null : $"{variable}: {folder} never binds AzureStorageOptions";
        }
        return SourceMentions(folder, variable) ? null : $"{variable}: an azure profile variable {folder} does not read";
    }

    private static bool TrainerProcessMerged => File.Exists(Path.Combine(RepositoryPaths.Root, "src", "Trainer", "TrainerProgram.cs"));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EverySiloVariableIsOneTheSiloReads(string name)
    {
        var overlay = overlays[name];
        var environment = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo"));
        var helpers = RenderedOverlay.Referenced(environment);
        var llmKeys = LlmConfigKeyVariables(overlay);
        var problems = new List<string>();
        foreach (var (variable, value) in environment)
        {
            if (SiloEnvironment.Names.Contains(variable) || helpers.Contains(variable))
            {
                continue;
            }
            if (AzureProfileNames.Contains(variable))
            {
                if (AzureProblem(variable, Path.Combine("src", "Silo")) is { } azure)
                {
                    problems.Add(azure);
                }
                continue;
            }
            if (SiloEnvironment.LlmBackendNames.Contains(variable) || llmKeys.Contains(variable))
            {
                if (!SourceMentions(Path.Combine("src", "Sotopia", "Llm"), variable) && !llmKeys.Contains(variable))
                {
                    problems.Add($"{variable}: listed as an LLM backend variable but src/Sotopia/Llm never reads it");
                }
                continue;
            }
            if (CheckSection(variable, value, SiloEnvironment.SectionOptions, SiloEnvironment.FrameworkSections) is { } problem)
            {
                problems.Add(problem);
            }
        }
        Assert.True(problems.Count == 0, $"{name}: the silo pod sets variables the silo does not read:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryTrainerVariableIsOneTheTrainerReads(string name)
    {
        var overlay = overlays[name];
        var environment = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-trainer"), "trainer"));
        var helpers = RenderedOverlay.Referenced(environment);
        var keyVariables = TrainerConfigKeyVariables(overlay);
        var problems = new List<string>();
        foreach (var (variable, value) in environment)
        {
            if (helpers.Contains(variable) || keyVariables.Contains(variable))
            {
                continue;
            }
            if (AzureProfileNames.Contains(variable))
            {
                if (AzureProblem(variable, Path.Combine("src", "Trainer")) is { } azure)
                {
                    problems.Add(azure);
                }
                continue;
            }
            if (TelemetryVariables.All.Contains(variable))
            {
                // Read by the OpenTelemetry SDK through the service defaults, which the trainer process must add.
                if (TrainerProcessMerged && !SourceMentions(Path.Combine("src", "Trainer"), "AddServiceDefaults"))
                {
                    problems.Add($"{variable}: the trainer process does not add the service defaults (AddServiceDefaults)");
                }
                continue;
            }
            if (variable.Contains("__", StringComparison.Ordinal))
            {
                if (CheckSection(variable, value, new Dictionary<string, Type>
                {
                    [TrainerOptions.SectionName] = typeof(TrainerOptions),
                    [TrainerClusterOptions.SectionName] = typeof(TrainerClusterOptions),
                }, ["Logging"]) is { } problem)
                {
                    problems.Add(problem);
                }
                continue;
            }
            var known = TrainerProcessMerged ? SourceMentions(Path.Combine("src", "Trainer"), variable) : TrainerDocumentedNames.Contains(variable);
            if (!known)
            {
                problems.Add($"{variable}: {(TrainerProcessMerged ? "no string \"" + variable + "\" in src/Trainer" : "not a documented trainer variable")}");
            }
        }
        Assert.True(problems.Count == 0, $"{name}: the trainer pod sets variables the trainer does not read:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ThirdPartyContainersGetOnlyTheirDocumentedVariables(string name)
    {
        var overlay = overlays[name];
        foreach (var workload in overlay.Workloads.Where(w => ThirdParty.ContainsKey(w.Name)))
        {
            foreach (var container in RenderedOverlay.Containers(workload))
            {
                var environment = overlay.Environment(container);
                Assert.All(environment.Keys, v => Assert.True(ThirdParty[workload.Name].Contains(v), $"{name}: {workload.Id} sets {v}"));
            }
        }
        Assert.All(overlay.Workloads, w => Assert.True(ThirdParty.ContainsKey(w.Name) || w.Name is "sotopia-silo" or "sotopia-trainer", $"{name}: unexpected workload {w.Id}"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TheSiloAcceptsThePodsSettings(string name)
    {
        var overlay = overlays[name];
        var environment = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo"));
        // What the kubelet and ASP.NET Core make of them: secrets filled in, $(VAR) expanded, ASPNETCORE_ prefix
        // dropped, "__" as the section separator.
        var deployment = overlay.Single("Deployment", "sotopia-silo");
        var labels = ManifestObject.Map(deployment.Get("spec.template.metadata.labels"));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["POD_IP"] = "10.1.2.3",
            ["POD_NAMESPACE"] = "sotopia",
            ["NODE_NAME"] = "node-1",
            ["POD_NAME"] = "sotopia-silo-7d9f-abcde",
            // Set by the kubelet in every pod.
            [SiloSettingNames.KubernetesServiceHostVariable] = "10.96.0.1",
        };
        // Downward-API label references resolve to the pod template's labels (ORLEANS_CLUSTER_ID, ORLEANS_SERVICE_ID).
        foreach (var variable in ManifestObject.List(RenderedOverlay.Container(deployment, "silo").GetValueOrDefault("env")).Select(ManifestObject.Map))
        {
            if (ManifestObject.Walk(variable, "valueFrom.fieldRef.fieldPath") is string path
                && System.Text.RegularExpressions.Regex.Match(path, @"^metadata\.labels\['(.+)'\]$") is { Success: true } label)
            {
                values[(string)variable["name"]!] = labels.GetValueOrDefault(label.Groups[1].Value) as string ?? $"(no label {label.Groups[1].Value})";
            }
        }
        foreach (var (variable, value) in environment)
        {
            values[variable] = variable switch
            {
                "SOTOPIA_STORE" => "Host=db.example;Database=sotopia;Username=sotopia;Password=secret",
                "SOTOPIA_API_TOKEN" => "a-token-of-at-least-sixteen-characters",
                "Silo__SiloId" => "sotopia-silo-7d9f-abcde",
                // The shape of a storage account's connection string (the Secret's value).
                "AzureStorage__ConnectionString" => "DefaultEndpointsProtocol=https;AccountName=sotopia;AccountKey=a2V5;EndpointSuffix=core.windows.net",
                _ => value is null ? values.GetValueOrDefault(variable) ?? "placeholder" : System.Text.RegularExpressions.Regex.Replace(value, @"\$\((\w+)\)", m => values.GetValueOrDefault(m.Groups[1].Value) ?? ""),
            };
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Select(p => new KeyValuePair<string, string?>(
            (p.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? p.Key["ASPNETCORE_".Length..] : p.Key).Replace("__", ":", StringComparison.Ordinal), p.Value))).Build();

        var settings = SiloHostSettings.Resolve(configuration);
        Assert.Equal(Hosting.StoreKind.PostgreSql, settings.Store.Kind);
        Assert.NotNull(settings.ApiToken);
        Assert.Equal(["http://*:8080"], settings.ListenUrls);
        Assert.Equal("/artifacts", settings.ArtifactsRoot);
        Assert.Equal("http://10.1.2.3:8080", settings.AdvertisedUrl);
        Assert.StartsWith("OTLP http://otel-collector:", settings.Telemetry, StringComparison.Ordinal);
        Assert.Contains("k8s.namespace.name=sotopia", configuration[TelemetryVariables.ResourceAttributes], StringComparison.Ordinal);

        var options = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>()!;
        Assert.Equal("sotopia-silo-7d9f-abcde", options.SiloId);
        var validation = new SiloOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);

        // Orleans' Kubernetes hosting: the pod's identity and the cluster labels agree with what the silo reads.
        Assert.Empty(SiloHost.KubernetesProblems(configuration, options));
        Assert.Equal(options.ClusterId, configuration[SiloSettingNames.OrleansClusterIdVariable]);
        Assert.Equal(options.ClusterId, configuration[SiloSettingNames.OrleansServiceIdVariable]);
        var mislabelled = new ConfigurationBuilder().AddConfiguration(configuration)
            .AddInMemoryCollection([KeyValuePair.Create(SiloSettingNames.OrleansClusterIdVariable, (string?)"other"), KeyValuePair.Create(SiloSettingNames.PodNameVariable, (string?)"")]).Build();
        Assert.Equal(
            [$"{SiloSettingNames.OrleansClusterIdVariable}: 'other' is not Silo:ClusterId '{options.ClusterId}' (set the pod's orleans/clusterId and orleans/serviceId labels to the cluster id).",
             $"{SiloSettingNames.PodNameVariable}: not set; in Kubernetes the silo needs it from the downward API (see k8s/base/silo-deployment.yaml)."],
            SiloHost.KubernetesProblems(mislabelled, options));
    }

    [Theory]
    [InlineData("production")]
    [InlineData("production-hpa")]
    [InlineData("azure")]
    public void TheTrainerConfigurationFileHasOnlyTrainerSettings(string name)
    {
        using var config = TrainerConfig(overlays[name]);
        var problems = new List<string>();
        foreach (var section in config.RootElement.EnumerateObject())
        {
            Assert.Equal(TrainerOptions.SectionName, section.Name);
            CheckJson(section.Value, typeof(TrainerOptions), TrainerOptions.SectionName, problems);
        }
        Assert.True(problems.Count == 0, $"{name}: trainer.json: " + string.Join("; ", problems));
    }

    [Theory]
    [InlineData("production")]
    [InlineData("production-hpa")]
    [InlineData("azure")]
    public void TheLlmConfigurationPointsThePolicyAtVllm(string name)
    {
        var overlay = overlays[name];
        var root = LlmConfig(overlay)!;
        var policy = (YamlMappingNode)((YamlMappingNode)root["roles"])["policy"];
        var vllmPort = ManifestObject.Walk(ManifestObject.List(overlay.Single("Service", "vllm").Get("spec.ports"))[0], "port");
        Assert.Equal($"http://vllm:{vllmPort}/v1", ((YamlScalarNode)policy["base_url"]).Value);
        var model = ((YamlScalarNode)policy["model"]).Value;
        var vllm = RenderedOverlay.Container(overlay.Single("Deployment", "vllm"), "vllm");
        Assert.Contains($"--model={model}", ManifestObject.List(vllm["args"]).OfType<string>());
        using var trainer = TrainerConfig(overlay);
        Assert.Equal(model, trainer.RootElement.GetProperty("Trainer").GetProperty("External").GetProperty("BaseModel").GetString());
        var silo = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo"));
        Assert.All(LlmConfigKeyVariables(overlay), v => Assert.True(silo.ContainsKey(v), $"{name}: the LLM config reads the key from {v}, which the silo pod does not set"));
    }

    internal static JsonDocument TrainerConfig(RenderedOverlay overlay)
    {
        var map = overlay.OfKind("ConfigMap").Single(c => c.Name.StartsWith("sotopia-trainer-config", StringComparison.Ordinal));
        return JsonDocument.Parse((string)ManifestObject.Map(map.Get("data"))["trainer.json"]!);
    }

    private static YamlMappingNode? LlmConfig(RenderedOverlay overlay)
    {
        var map = overlay.OfKind("ConfigMap").SingleOrDefault(c => c.Name.StartsWith("sotopia-llm-config", StringComparison.Ordinal));
        if (map is null)
        {
            return null;
        }
        var stream = new YamlStream();
        stream.Load(new StringReader((string)ManifestObject.Map(map.Get("data"))["llm.yaml"]!));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The variables the LLM configuration names with api_key_env (the silo reads keys from them).</summary>
    private static HashSet<string> LlmConfigKeyVariables(RenderedOverlay overlay)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        void Visit(YamlNode node)
        {
            if (node is YamlMappingNode map)
            {
                foreach (var (key, value) in map.Children)
                {
                    if (((YamlScalarNode)key).Value == "api_key_env" && value is YamlScalarNode { Value: { } variable })
                    {
                        result.Add(variable);
                    }
                    Visit(value);
                }
            }
        }
        if (LlmConfig(overlay) is { } root)
        {
            Visit(root);
        }
        return result;
    }

    /// <summary>The variables the trainer reads API keys from: OpenAI's default and every *ApiKeyVariable set in its file.</summary>
    private static HashSet<string> TrainerConfigKeyVariables(RenderedOverlay overlay)
    {
        var result = new HashSet<string>(StringComparer.Ordinal) { "OPENAI_API_KEY" };
        if (!overlay.OfKind("ConfigMap").Any(c => c.Name.StartsWith("sotopia-trainer-config", StringComparison.Ordinal)))
        {
            return result;
        }
        using var config = TrainerConfig(overlay);
        void Visit(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name.EndsWith("ApiKeyVariable", StringComparison.Ordinal) && property.Value.GetString() is { } variable)
                {
                    result.Add(variable);
                }
                Visit(property.Value);
            }
        }
        Visit(config.RootElement);
        return result;
    }

    /// <summary>Checks <c>Section__A__B</c> against the options class bound to Section (property names as the
    /// configuration binder matches them, list indexes, and the value's type); null when it is fine.</summary>
    private static string? CheckSection(string variable, string? value, IReadOnlyDictionary<string, Type> sections, IReadOnlyList<string> frameworkSections)
    {
        var parts = variable.Split("__");
        if (parts.Length < 2)
        {
            return $"{variable}: not a variable the app reads";
        }
        if (frameworkSections.Contains(parts[0]))
        {
            return null;
        }
        if (!sections.TryGetValue(parts[0], out var type))
        {
            return $"{variable}: '{parts[0]}' is not a configuration section the app binds";
        }
        for (var i = 1; i < parts.Length; i++)
        {
            if (ElementType(type) is { } element)
            {
                if (!int.TryParse(parts[i], out _) && !typeof(IDictionary).IsAssignableFrom(type))
                {
                    return $"{variable}: '{parts[i]}' is not an index of {string.Join(":", parts[..i])}";
                }
                type = element;
                continue;
            }
            var property = type.GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && ElementType(property.PropertyType) is null)
            {
                return $"{variable}: {type.Name} has no settable property '{parts[i]}'";
            }
            type = property.PropertyType;
        }
        if (value is not null && ElementType(type) is null)
        {
            try
            {
                TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException || ex.InnerException is FormatException)
            {
                return $"{variable}: '{value}' is not a {type.Name}";
            }
        }
        return null;
    }

    private static void CheckJson(JsonElement element, Type type, string path, List<string> problems)
    {
        if (ElementType(type) is { } elementType)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    CheckJson(item, elementType, path + "[]", problems);
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in element.EnumerateObject())
                {
                    CheckJson(entry.Value, elementType, $"{path}:{entry.Name}", problems);
                }
            }
            return;
        }
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var info = type.GetProperty(property.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (info is null)
                {
                    var pending = !TrainerProcessMerged && path == "Trainer" && property.Name == "External";
                    if (!pending)
                    {
                        problems.Add($"{path}:{property.Name} is not a setting of {type.Name}");
                    }
                    else
                    {
                        problems.AddRange(property.Value.EnumerateObject().Where(p => !TrainerDocumentedExternalKeys.Contains(p.Name))
                            .Select(p => $"{path}:{property.Name}:{p.Name} is not a documented external backend setting"));
                    }
                    continue;
                }
                CheckJson(property.Value, info.PropertyType, $"{path}:{property.Name}", problems);
            }
            return;
        }
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
        try
        {
            TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).ConvertFromInvariantString(text!);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException || ex.InnerException is FormatException)
        {
            problems.Add($"{path}: '{text}' is not a {type.Name}");
        }
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        var generic = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (generic is null)
        {
            return null;
        }
        var argument = generic.GetGenericArguments()[0];
        return argument.IsGenericType && argument.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) ? argument.GetGenericArguments()[1] : argument;
    }

    private static bool SourceMentions(string folder, string text) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));
}
