using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>What must hold in every overlay beyond the schemas: selectors select the pods, probes hit what the
/// silo serves on the port it listens on, references resolve, images are pinned, the silo's stop fits in the
/// grace period, and the autoscalers scale the silos on what the store holds.</summary>
public sealed class ManifestInvariantTests(RenderedOverlaysFixture overlays) : IClassFixture<RenderedOverlaysFixture>
{
    /// <summary>Secrets the operator creates in production, with the keys the manifests read.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> OperatorSecrets = new Dictionary<string, string[]>
    {
        ["sotopia-store"] = ["store", "keda-connection"],
        ["sotopia-api-token"] = ["token"],
        ["sotopia-model-keys"] = ["OPENAI_API_KEY", "VLLM_API_KEY", "HF_TOKEN"],
        ["sotopia-azure-storage"] = ["connection-string"],
    };

    public static TheoryData<string> Overlays => [.. RenderedOverlay.Names];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void WorkloadSelectorsMatchTheirPodTemplates(string name)
    {
        var overlay = overlays[name];
        Assert.NotEmpty(overlay.Workloads);
        foreach (var workload in overlay.Workloads)
        {
            var selector = ManifestObject.StringMap(workload.Get("spec.selector.matchLabels"));
            var labels = ManifestObject.StringMap(workload.Get("spec.template.metadata.labels"));
            Assert.True(RenderedOverlay.LabelsMatch(selector, labels), $"{name}: {workload.Id} selector {Show(selector)} does not select its pods {Show(labels)}");
        }
        foreach (var statefulSet in overlay.OfKind("StatefulSet"))
        {
            var service = statefulSet.Get("spec.serviceName") as string;
            Assert.True(service is not null && overlay.Find("Service", service) is not null, $"{name}: {statefulSet.Id} names Service '{service}', which is not rendered");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ServicesSelectPodsThatHaveTheirTargetPorts(string name)
    {
        var overlay = overlays[name];
        foreach (var service in overlay.OfKind("Service"))
        {
            var selector = ManifestObject.StringMap(service.Get("spec.selector"));
            var selected = overlay.Workloads.Where(w => RenderedOverlay.LabelsMatch(selector, ManifestObject.StringMap(w.Get("spec.template.metadata.labels")))).ToList();
            Assert.True(selected.Count == 1, $"{name}: {service.Id} selector {Show(selector)} selects {selected.Count} workloads");
            var containerPorts = RenderedOverlay.Containers(selected[0])
                .SelectMany(c => ManifestObject.List(c.GetValueOrDefault("ports")).Select(ManifestObject.Map)).ToList();
            foreach (var port in ManifestObject.List(service.Get("spec.ports")).Select(ManifestObject.Map))
            {
                var target = port.GetValueOrDefault("targetPort") as string ?? port["port"] as string;
                Assert.True(containerPorts.Any(p => p.GetValueOrDefault("name") as string == target || p["containerPort"] as string == target),
                    $"{name}: {service.Id} port targets '{target}', which no container of {selected[0].Id} exposes");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void DisruptionBudgetAndAutoscalersTargetTheSilos(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.Single("Deployment", "sotopia-silo");
        var podLabels = ManifestObject.StringMap(silo.Get("spec.template.metadata.labels"));
        var pdb = overlay.Single("PodDisruptionBudget", "sotopia-silo");
        Assert.True(RenderedOverlay.LabelsMatch(ManifestObject.StringMap(pdb.Get("spec.selector.matchLabels")), podLabels), $"{name}: the PodDisruptionBudget does not select the silos");
        foreach (var spread in ManifestObject.List(RenderedOverlay.PodSpec(silo).GetValueOrDefault("topologySpreadConstraints")))
        {
            Assert.True(RenderedOverlay.LabelsMatch(ManifestObject.StringMap(ManifestObject.Walk(spread, "labelSelector.matchLabels")), podLabels),
                $"{name}: a topology spread constraint of the silos does not select them");
        }
        foreach (var scaler in overlay.Objects.Where(o => o.Kind is "HorizontalPodAutoscaler" or "ScaledObject"))
        {
            Assert.Equal("Deployment", scaler.Get("spec.scaleTargetRef.kind"));
            Assert.Equal("sotopia-silo", scaler.Get("spec.scaleTargetRef.name"));
        }
        var autoscalers = overlay.Objects.Count(o => o.Kind is "HorizontalPodAutoscaler" or "ScaledObject");
        Assert.Equal(name == "dev" ? 0 : 1, autoscalers);
        // An autoscaler owns the replica count; a replicas field would reset it at every apply.
        Assert.Equal(autoscalers == 0, silo.Get("spec.replicas") is not null);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloProbesHitTheHealthEndpointsOnTheListeningPort(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.Single("Deployment", "sotopia-silo");
        var container = RenderedOverlay.Container(silo, "silo");
        var environment = overlay.Environment(container);
        var ports = ManifestObject.List(container["ports"]).Select(ManifestObject.Map).ToList();
        // The HTTP API and probes; Orleans' silo-to-silo and gateway ports.
        Assert.Equal(["http", "orleans-silo", "orleans-gateway"], ports.Select(p => p["name"]));
        var port = ports[0];
        Assert.Equal(environment["ASPNETCORE_HTTP_PORTS"], port["containerPort"]);
        Assert.False(environment.ContainsKey("ASPNETCORE_URLS"), "ASPNETCORE_URLS would override ASPNETCORE_HTTP_PORTS");

        var expected = new Dictionary<string, string> { ["livenessProbe"] = "/healthz", ["readinessProbe"] = "/readyz", ["startupProbe"] = "/healthz" };
        foreach (var (probe, path) in expected)
        {
            Assert.True(container.ContainsKey(probe), $"{name}: the silo has no {probe}");
            Assert.Equal(path, ManifestObject.Walk(container[probe], "httpGet.path"));
            var probePort = ManifestObject.Walk(container[probe], "httpGet.port") as string;
            Assert.True(probePort == "http" || probePort == (string?)port["containerPort"], $"{name}: the silo's {probe} uses port {probePort}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloStopsGracefullyWithinTheGracePeriodAndRollsWithoutLosingCapacity(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.Single("Deployment", "sotopia-silo");
        var container = RenderedOverlay.Container(silo, "silo");
        var environment = overlay.Environment(container);
        var shutdown = TimeSpan.Parse(environment["SOTOPIA_SHUTDOWN_TIMEOUT"]!, CultureInfo.InvariantCulture);
        var preStop = ManifestObject.List(ManifestObject.Walk(container, "lifecycle.preStop.exec.command")).OfType<string>().ToList();
        Assert.Equal("sleep", preStop[0]);
        var preStopSeconds = int.Parse(preStop[1], CultureInfo.InvariantCulture);
        var grace = int.Parse((string)RenderedOverlay.PodSpec(silo)["terminationGracePeriodSeconds"]!, CultureInfo.InvariantCulture);
        Assert.True(grace > preStopSeconds + shutdown.TotalSeconds,
            $"{name}: terminationGracePeriodSeconds {grace} must exceed preStop {preStopSeconds} s + SOTOPIA_SHUTDOWN_TIMEOUT {shutdown.TotalSeconds} s");
        Assert.Equal("0", silo.Get("spec.strategy.rollingUpdate.maxUnavailable"));

        var trainer = overlay.Single("Deployment", "sotopia-trainer");
        var trainerGrace = int.Parse((string)RenderedOverlay.PodSpec(trainer)["terminationGracePeriodSeconds"]!, CultureInfo.InvariantCulture);
        Assert.True(trainerGrace > 30, $"{name}: the trainer's grace period {trainerGrace} s must exceed its 30 s shutdown timeout");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloPodsCarryWhatOrleansKubernetesHostingNeeds(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.Single("Deployment", "sotopia-silo");
        var pod = RenderedOverlay.PodSpec(silo);
        var container = RenderedOverlay.Container(silo, "silo");
        var environment = overlay.Environment(container);
        var labels = ManifestObject.StringMap(silo.Get("spec.template.metadata.labels"));
        var clusterId = environment["Silo__ClusterId"];
        Assert.Equal(clusterId, labels.GetValueOrDefault("orleans/clusterId"));
        Assert.Equal(clusterId, labels.GetValueOrDefault("orleans/serviceId"));

        // The downward API gives the pod's identity under the names Orleans' Kubernetes hosting reads.
        var env = ManifestObject.List(container["env"]).Select(ManifestObject.Map).ToDictionary(v => (string)v["name"]!);
        Assert.Equal("metadata.name", ManifestObject.Walk(env["POD_NAME"], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.namespace", ManifestObject.Walk(env["POD_NAMESPACE"], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("status.podIP", ManifestObject.Walk(env["POD_IP"], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.labels['orleans/clusterId']", ManifestObject.Walk(env["ORLEANS_CLUSTER_ID"], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.labels['orleans/serviceId']", ManifestObject.Walk(env["ORLEANS_SERVICE_ID"], "valueFrom.fieldRef.fieldPath"));

        // Silo and gateway ports are the container's and the ones the silo is told to use.
        var ports = ManifestObject.List(container["ports"]).Select(ManifestObject.Map).ToDictionary(p => (string)p["name"]!, p => (string)p["containerPort"]!);
        Assert.Equal(environment["Silo__SiloPort"], ports["orleans-silo"]);
        Assert.Equal(environment["Silo__GatewayPort"], ports["orleans-gateway"]);

        // Its service account may watch, patch and delete the namespace's pods, and its token is mounted.
        var account = (string)pod["serviceAccountName"]!;
        Assert.NotNull(overlay.Find("ServiceAccount", account));
        Assert.Equal("true", pod["automountServiceAccountToken"]);
        var binding = Assert.Single(overlay.OfKind("RoleBinding"), b => ManifestObject.List(b.Get("subjects")).Select(ManifestObject.Map)
            .Any(s => (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == account));
        Assert.Equal("Role", binding.Get("roleRef.kind"));
        var role = overlay.Single("Role", (string)binding.Get("roleRef.name")!);
        var podRule = Assert.Single(ManifestObject.List(role.Get("rules")).Select(ManifestObject.Map),
            r => ManifestObject.List(r["resources"]).Contains("pods") && ManifestObject.List(r["apiGroups"]).Contains(""));
        Assert.Equal(["delete", "get", "list", "patch", "watch"], ManifestObject.List(podRule["verbs"]).OfType<string>().Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloIdentityTokenAndStoreComeFromThePodAndSecrets(string name)
    {
        var overlay = overlays[name];
        var container = RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo");
        var env = ManifestObject.List(container["env"]).Select(ManifestObject.Map).ToDictionary(v => (string)v["name"]!);
        Assert.Equal("metadata.name", ManifestObject.Walk(env["Silo__SiloId"], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("sotopia-api-token", ManifestObject.Walk(env["SOTOPIA_API_TOKEN"], "valueFrom.secretKeyRef.name"));
        Assert.Equal("sotopia-store", ManifestObject.Walk(env["SOTOPIA_STORE"], "valueFrom.secretKeyRef.name"));
        Assert.False(overlay.Environment(container).TryGetValue("SOTOPIA_API_TOKEN", out var literal) && literal is not null, "the token must not be a literal");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryReferencedSecretConfigMapAndClaimExists(string name)
    {
        var overlay = overlays[name];
        foreach (var workload in overlay.Workloads)
        {
            var pod = RenderedOverlay.PodSpec(workload);
            foreach (var volume in ManifestObject.List(pod.GetValueOrDefault("volumes")).Select(ManifestObject.Map))
            {
                if (ManifestObject.Walk(volume, "configMap.name") is string configMap)
                {
                    Assert.True(overlay.Find("ConfigMap", configMap) is not null, $"{name}: {workload.Id} mounts missing ConfigMap {configMap}");
                }
                if (ManifestObject.Walk(volume, "persistentVolumeClaim.claimName") is string claim)
                {
                    Assert.True(overlay.Find("PersistentVolumeClaim", claim) is not null, $"{name}: {workload.Id} mounts missing claim {claim}");
                }
            }
            foreach (var container in RenderedOverlay.Containers(workload))
            {
                var mounts = ManifestObject.List(container.GetValueOrDefault("volumeMounts")).Select(m => ManifestObject.Walk(m, "name") as string);
                var volumes = ManifestObject.List(pod.GetValueOrDefault("volumes")).Select(v => ManifestObject.Walk(v, "name") as string)
                    .Concat(ManifestObject.List(workload.Get("spec.volumeClaimTemplates")).Select(v => ManifestObject.Walk(v, "metadata.name") as string)).ToHashSet();
                Assert.All(mounts, m => Assert.True(volumes.Contains(m), $"{name}: {workload.Id} mounts volume '{m}' it does not declare"));
                foreach (var variable in ManifestObject.List(container.GetValueOrDefault("env")).Select(ManifestObject.Map))
                {
                    if (ManifestObject.Walk(variable, "valueFrom.secretKeyRef") is Dictionary<string, object?> secretRef)
                    {
                        AssertSecretKey(overlay, workload, (string)secretRef["name"]!, (string)secretRef["key"]!);
                    }
                    if (ManifestObject.Walk(variable, "valueFrom.configMapKeyRef") is Dictionary<string, object?> configRef)
                    {
                        Assert.True(ManifestObject.Map(overlay.Single("ConfigMap", (string)configRef["name"]!).Get("data")).ContainsKey((string)configRef["key"]!));
                    }
                }
            }
        }
        foreach (var auth in overlay.OfKind("TriggerAuthentication"))
        {
            foreach (var reference in ManifestObject.List(auth.Get("spec.secretTargetRef")).Select(ManifestObject.Map))
            {
                AssertSecretKey(overlay, auth, (string)reference["name"]!, (string)reference["key"]!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ImagesArePinnedAndTheSameForEveryPodOfAnApp(string name)
    {
        var overlay = overlays[name];
        var images = overlay.Workloads.SelectMany(RenderedOverlay.Containers).Select(c => (string)c["image"]!).ToList();
        Assert.All(images, image =>
        {
            var tag = image[(image.LastIndexOf('/') + 1)..].Split(':');
            Assert.True(tag.Length == 2 && tag[1].Length > 0 && tag[1] != "latest", $"{name}: image '{image}' has no pinned tag");
        });
        var silo = (string)RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo")["image"]!;
        var trainer = (string)RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-trainer"), "trainer")["image"]!;
        if (name == "dev")
        {
            Assert.Equal("sotopia-silo:dev", silo);
            Assert.Equal("sotopia-trainer:dev", trainer);
        }
        else
        {
            Assert.StartsWith("registry.example.com/sotopia/silo:", silo, StringComparison.Ordinal);
            Assert.StartsWith("registry.example.com/sotopia/trainer-gpu:", trainer, StringComparison.Ordinal);
            Assert.Equal(silo.Split(':')[1], trainer.Split(':')[1]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TelemetryGoesToTheCollectorService(string name)
    {
        var overlay = overlays[name];
        var collector = overlay.Single("Service", "otel-collector");
        var ports = ManifestObject.List(collector.Get("spec.ports")).Select(p => ManifestObject.Walk(p, "port") as string).ToList();
        foreach (var app in new[] { ("sotopia-silo", "silo"), ("sotopia-trainer", "trainer") })
        {
            var environment = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", app.Item1), app.Item2));
            var endpoint = new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]!);
            Assert.Equal("otel-collector", endpoint.Host);
            Assert.Contains(endpoint.Port.ToString(CultureInfo.InvariantCulture), ports);
            Assert.Equal(endpoint.Port == 4318 ? "http/protobuf" : "grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
            Assert.Equal(app.Item1, environment["OTEL_SERVICE_NAME"]);
        }
    }

    [Fact]
    public void DevRunsPostgreSqlInTheClusterAndTheStorePointsAtIt()
    {
        var overlay = overlays["dev"];
        var postgres = overlay.Single("StatefulSet", "postgres");
        var service = overlay.Single("Service", "postgres");
        var store = Decode(overlay.Single("Secret", "sotopia-store"), "store");
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = store };
        Assert.Equal(service.Name, builder["Host"]);
        Assert.Equal(ManifestObject.Walk(ManifestObject.List(service.Get("spec.ports"))[0], "port"), builder["Port"]);
        var env = overlay.Environment(RenderedOverlay.Container(postgres, "postgres"));
        Assert.Equal(env["POSTGRES_DB"], builder["Database"]);
        Assert.Equal(env["POSTGRES_USER"], builder["Username"]);
        Assert.Equal(Decode(overlay.Single("Secret", "sotopia-postgres"), "password"), builder["Password"]);
        Assert.True(Decode(overlay.Single("Secret", "sotopia-api-token"), "token").Length >= Hosting.SiloHostSettings.MinimumTokenLength);
        Assert.Null(overlay.Find("Deployment", "vllm"));
    }

    [Theory]
    [InlineData("production")]
    [InlineData("production-hpa")]
    [InlineData("azure")]
    public void ProductionUsesAnExternalStoreAndTheGpuPool(string name)
    {
        var overlay = overlays[name];
        Assert.Null(overlay.Find("StatefulSet", "postgres"));
        Assert.Empty(overlay.OfKind("Secret"));

        foreach (var (deployment, container) in new[] { ("sotopia-trainer", "trainer"), ("vllm", "vllm") })
        {
            var workload = overlay.Single("Deployment", deployment);
            var pod = RenderedOverlay.PodSpec(workload);
            var c = RenderedOverlay.Container(workload, container);
            Assert.Equal("1", ManifestObject.Map(ManifestObject.Walk(c, "resources.requests")).GetValueOrDefault("nvidia.com/gpu"));
            Assert.Equal("1", ManifestObject.Map(ManifestObject.Walk(c, "resources.limits")).GetValueOrDefault("nvidia.com/gpu"));
            Assert.Equal("true", ManifestObject.Map(pod["nodeSelector"]).GetValueOrDefault("nvidia.com/gpu.present"));
            Assert.Contains(ManifestObject.List(pod["tolerations"]).Select(ManifestObject.Map), t => t.GetValueOrDefault("key") as string == "nvidia.com/gpu");
        }

        var vllm = RenderedOverlay.Container(overlay.Single("Deployment", "vllm"), "vllm");
        Assert.Equal("True", overlay.Environment(vllm)["VLLM_ALLOW_RUNTIME_LORA_UPDATING"]);
        Assert.Contains("--enable-lora", ManifestObject.List(vllm["args"]).OfType<string>());
        // The adapters the trainer writes are where vLLM reads them: the same claim at the same path.
        var trainer = RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-trainer"), "trainer");
        Assert.Equal(ArtifactsMount(overlay, "sotopia-trainer", trainer), ArtifactsMount(overlay, "vllm", vllm));
        Assert.Equal("/artifacts", overlay.Environment(trainer)["SOTOPIA_ARTIFACTS"]);

        var vllmPort = ManifestObject.Walk(ManifestObject.List(overlay.Single("Service", "vllm").Get("spec.ports"))[0], "port");
        var servers = EnvironmentContractTests.TrainerConfig(overlay).RootElement.GetProperty("Trainer").GetProperty("External").GetProperty("VllmServers");
        Assert.All(servers.EnumerateArray(), s => Assert.Equal($"http://vllm:{vllmPort}", s.GetString()));
    }

    [Fact]
    public void KedaScalesSilosOnClaimableEpisodesPerSilo()
    {
        var overlay = overlays["production"];
        var scaled = overlay.Single("ScaledObject", "sotopia-silo");
        var trigger = ManifestObject.Map(Assert.Single(ManifestObject.List(scaled.Get("spec.triggers"))));
        Assert.Equal("postgresql", trigger["type"]);
        var query = (string)ManifestObject.Walk(trigger, "metadata.query")!;
        // The table, column and status names the store writes (SQLite and PostgreSQL share them).
        var pending = StoreValues.Name(EpisodeStatus.Pending);
        var running = StoreValues.Name(EpisodeStatus.Running);
        Assert.Contains($"e.status IN ('{pending}', '{running}')", query, StringComparison.Ordinal);
        Assert.Contains($"c.status = '{StoreValues.Name(CampaignStatus.Paused)}'", query, StringComparison.Ordinal);
        var migrations = string.Concat(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src", "Storage"), "*Migrations.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("CREATE TABLE episodes", migrations, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE campaigns", migrations, StringComparison.Ordinal);

        var silo = overlay.Environment(RenderedOverlay.Container(overlay.Single("Deployment", "sotopia-silo"), "silo"));
        Assert.Equal(silo["Silo__MaxConcurrentEpisodes"], ManifestObject.Walk(trigger, "metadata.targetQueryValue"));
        Assert.True(int.Parse((string)scaled.Get("spec.minReplicaCount")!, CultureInfo.InvariantCulture) >= 2);
        Assert.True(int.Parse((string)scaled.Get("spec.maxReplicaCount")!, CultureInfo.InvariantCulture) > int.Parse((string)scaled.Get("spec.minReplicaCount")!, CultureInfo.InvariantCulture));

        var auth = overlay.Single("TriggerAuthentication", (string)ManifestObject.Walk(trigger, "authenticationRef.name")!);
        var reference = ManifestObject.Map(Assert.Single(ManifestObject.List(auth.Get("spec.secretTargetRef"))));
        Assert.Equal("connection", reference["parameter"]);
        Assert.Equal("sotopia-store", reference["name"]);
        Assert.Equal("keda-connection", reference["key"]);
        Assert.Null(overlay.Find("HorizontalPodAutoscaler", "sotopia-silo"));
    }

    [Fact]
    public void WithoutKedaACpuAutoscalerScalesTheSilos()
    {
        var overlay = overlays["production-hpa"];
        var hpa = overlay.Single("HorizontalPodAutoscaler", "sotopia-silo");
        var metric = ManifestObject.Map(Assert.Single(ManifestObject.List(hpa.Get("spec.metrics"))));
        Assert.Equal("cpu", ManifestObject.Walk(metric, "resource.name"));
        Assert.True(int.Parse((string)hpa.Get("spec.minReplicas")!, CultureInfo.InvariantCulture) >= 2);
        Assert.Empty(overlay.OfKind("ScaledObject"));
        Assert.Empty(overlay.OfKind("TriggerAuthentication"));
        // Everything else is the production overlay's.
        var production = overlays["production"].Objects.Where(o => o.Kind is not ("ScaledObject" or "TriggerAuthentication")).Select(o => o.Id).Order();
        Assert.Equal(production, overlay.Objects.Where(o => o.Kind != "HorizontalPodAutoscaler").Select(o => o.Id).Order());
    }

    private static string ArtifactsMount(RenderedOverlay overlay, string deployment, Dictionary<string, object?> container)
    {
        var pod = RenderedOverlay.PodSpec(overlay.Single("Deployment", deployment));
        var volume = ManifestObject.List(pod["volumes"]).Select(ManifestObject.Map)
            .Single(v => ManifestObject.Walk(v, "persistentVolumeClaim.claimName") as string == "sotopia-artifacts");
        var mount = ManifestObject.List(container["volumeMounts"]).Select(ManifestObject.Map).Single(m => (string?)m["name"] == (string?)volume["name"]);
        return (string)mount["mountPath"]!;
    }

    private static void AssertSecretKey(RenderedOverlay overlay, ManifestObject user, string secret, string key)
    {
        if (overlay.Find("Secret", secret) is { } rendered)
        {
            Assert.True(ManifestObject.Map(rendered.Get("data")).ContainsKey(key), $"{overlay.Name}: {user.Id} reads key '{key}' of Secret {secret}, which does not have it");
            return;
        }
        Assert.True(OperatorSecrets.TryGetValue(secret, out var keys) && keys.Contains(key),
            $"{overlay.Name}: {user.Id} reads Secret {secret} key '{key}', which is neither rendered nor one the operator is told to create (README.md, 'Deploy to Kubernetes')");
    }

    private static string Decode(ManifestObject secret, string key) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(((string)ManifestObject.Map(secret.Get("data"))[key]!).Replace("\n", "", StringComparison.Ordinal)));

    private static string Show(IReadOnlyDictionary<string, string> labels) => "{" + string.Join(", ", labels.Select(p => $"{p.Key}={p.Value}")) + "}";
}
