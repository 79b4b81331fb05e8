namespace SotopiaPi.Silo.Hosting;

/// <summary>The configuration keys of the silo process. Each has a command-line form (<c>--store</c>) and an
/// environment-variable form (<c>SOTOPIA_STORE</c>); the command line wins.</summary>
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
    public const string AdvertisedUrl = "advertised-url";
    public const string AdvertisedUrlVariable = "SOTOPIA_ADVERTISED_URL";

    /// <summary>The API bearer token: an environment variable only (never a command-line argument, which other
    /// users of the machine can read).</summary>
    public const string ApiTokenVariable = "SOTOPIA_API_TOKEN";

    /// <summary>The pod's IP in Kubernetes (downward API): the address the silo advertises to the cluster unless
    /// <c>Silo:AdvertisedAddress</c> says otherwise.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>Where the silo listens when nothing else is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";
}
