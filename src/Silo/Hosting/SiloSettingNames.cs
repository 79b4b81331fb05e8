namespace SotopiaPi.Silo.Hosting;

/// <summary>The configuration keys of the silo process. Each has a command-line form (<c>--store</c>) and an
/// environment-variable form (<c>SOTOPIA_STORE</c>); the command line wins. Both set the same property of
/// <see cref="Options.SiloHostOptions"/> (its <see cref="Options.SiloHostOptions.Aliases"/>).</summary>
public static class SiloSettingNames
{
    public const string Store = "store";
    public const string StoreVariable = "SOTOPIA_STORE";
    public const string Artifacts = "artifacts";
    public const string ArtifactsVariable = "SOTOPIA_ARTIFACTS";
    /// <summary>Where Orleans and the artifacts live: <c>auto</c> (by the store: a SQLite file runs one local silo,
    /// PostgreSQL a cluster on it) or <c>azure</c> (Azure Table + Blob, section <c>AzureStorage</c>; store PostgreSQL).</summary>
    public const string Profile = "profile";
    public const string ProfileVariable = "SOTOPIA_PROFILE";
    public const string Trainer = "trainer";
    public const string TrainerVariable = "SOTOPIA_TRAINER";
    public const string Backend = "backend";
    public const string BackendVariable = "SOTOPIA_BACKEND";
    public const string LlmConfig = "llm-config";
    public const string ShutdownTimeout = "shutdown-timeout";
    public const string ShutdownTimeoutVariable = "SOTOPIA_SHUTDOWN_TIMEOUT";
    /// <summary>Serve the metrics for Prometheus at <c>/metrics</c> (behind the API token rule): <c>--prometheus</c> /
    /// <c>SOTOPIA_PROMETHEUS=true</c>; off by default (the collector serves them in the manifests).</summary>
    public const string Prometheus = "prometheus";
    public const string PrometheusVariable = "SOTOPIA_PROMETHEUS";
    public const string Datasets = "datasets";
    public const string DatasetsVariable = "SOTOPIA_DATASETS";
    public const string AdvertisedUrl = "advertised-url";
    public const string AdvertisedUrlVariable = "SOTOPIA_ADVERTISED_URL";

    /// <summary>The API bearer token: an environment variable only (never a command-line argument, which other
    /// users of the machine can read).</summary>
    public const string ApiTokenVariable = "SOTOPIA_API_TOKEN";

    /// <summary>The pod's IP in Kubernetes (downward API): the address the silo advertises to the cluster unless
    /// <c>Silo:AdvertisedAddress</c> says otherwise.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>Set by the kubelet in every pod: the silo adds Orleans' Kubernetes hosting
    /// (Microsoft.Orleans.Hosting.Kubernetes) only when it is set.</summary>
    public const string KubernetesServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>The pod's name and namespace (downward API), read by Orleans' Kubernetes hosting.</summary>
    public const string PodNameVariable = "POD_NAME";

    public const string PodNamespaceVariable = "POD_NAMESPACE";

    /// <summary>Orleans' cluster and service ids as Orleans' Kubernetes hosting reads them (the manifests take them from
    /// the pod's <c>orleans/clusterId</c> and <c>orleans/serviceId</c> labels); both must equal <c>Silo:ClusterId</c>.</summary>
    public const string OrleansClusterIdVariable = "ORLEANS_CLUSTER_ID";

    public const string OrleansServiceIdVariable = "ORLEANS_SERVICE_ID";

    /// <summary>Where the silo listens when nothing else is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";
}
