using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Training;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Every environment variable the silo process reads: the authoritative list the Kubernetes manifests
/// are checked against (tests/Silo.IntegrationTests/Deploy). Built from the constants the code reads, so a rename
/// in the code shows up here. Options sections are set with <c>Section__Property</c> names and checked against
/// <see cref="SectionOptions"/> by reflection.</summary>
public static class SiloEnvironment
{
    /// <summary>Plain variables: the silo's own settings (<see cref="SiloSettingNames"/>), ASP.NET Core's listen
    /// addresses, and the standard OpenTelemetry variables (<see cref="TelemetryVariables"/>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        SiloSettingNames.StoreVariable,
        SiloSettingNames.ArtifactsVariable,
        SiloSettingNames.TrainerVariable,
        SiloSettingNames.BackendVariable,
        SiloSettingNames.ShutdownTimeoutVariable,
        SiloSettingNames.PrometheusVariable,
        SiloSettingNames.AdvertisedUrlVariable,
        SiloSettingNames.ApiTokenVariable,
        SiloSettingNames.PodIpVariable,
        SiloSettingNames.PodNameVariable,
        SiloSettingNames.PodNamespaceVariable,
        SiloSettingNames.OrleansClusterIdVariable,
        SiloSettingNames.OrleansServiceIdVariable,
        "ASPNETCORE_URLS",
        "ASPNETCORE_HTTP_PORTS",
        "ASPNETCORE_HTTPS_PORTS",
        "ASPNETCORE_ENVIRONMENT",
        .. TelemetryVariables.All,
    ];

    /// <summary>The LLM backend's variables (<see cref="LlmDefaults"/>), read with <c>--backend llm</c> /
    /// <c>SOTOPIA_BACKEND=llm</c>: the configuration file, the default endpoint and key (plus the keys its
    /// configuration names by <c>api_key_env</c>).</summary>
    public static IReadOnlyList<string> LlmBackendNames { get; } = [LlmDefaults.ConfigVariable, LlmDefaults.BaseUrlVariable, LlmDefaults.ApiKeyVariable];

    /// <summary>Configuration sections bound to options classes: <c>Silo__MaxConcurrentEpisodes</c> sets
    /// <see cref="SiloOptions.MaxConcurrentEpisodes"/>; <c>Trainer__…</c> the in-process trainer's
    /// <see cref="TrainerOptions"/>.</summary>
    public static IReadOnlyDictionary<string, Type> SectionOptions { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [SiloOptions.SectionName] = typeof(SiloOptions),
        [CampaignOptions.SectionName] = typeof(CampaignOptions),
        [TrainingQueueOptions.SectionName] = typeof(TrainingQueueOptions),
        [TrainerOptions.SectionName] = typeof(TrainerOptions),
    };

    /// <summary>Free-form sections ASP.NET Core reads (<c>Logging__LogLevel__Default</c>, <c>Kestrel__Endpoints__…</c>).</summary>
    public static IReadOnlyList<string> FrameworkSections { get; } = ["Logging", "Kestrel"];
}
