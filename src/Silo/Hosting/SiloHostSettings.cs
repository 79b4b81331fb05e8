using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using SotopiaPi.ServiceDefaults;
using SotopiaPi.Silo.Options;
using SotopiaPi.Storage.Azure;

namespace SotopiaPi.Silo.Hosting;

/// <summary>What the silo process was told to do, typed: <see cref="SiloHostOptions"/> once
/// <see cref="SiloHostOptionsValidator"/> accepted them, with what follows from them (the parsed store, the artifact
/// folder, the addresses Kestrel will bind, the telemetry target). <see cref="ToString"/> never shows the API token
/// or a password.</summary>
public sealed class SiloHostSettings
{
    /// <summary>The smallest API token accepted (a short token is guessable).</summary>
    public const int MinimumTokenLength = 16;

    private SiloHostSettings(
        StoreConnection store, string artifactsRoot, bool runTrainer, TimeSpan shutdownTimeout, string? apiToken,
        IReadOnlyList<string> listenUrls, bool usesDefaultUrl, string? advertisedUrl, string telemetry, bool prometheus, AzureStorageOptions? azure, string? datasetsRoot)
    {
        Azure = azure;
        DatasetsRoot = datasetsRoot;
        AdvertisedUrl = advertisedUrl;
        Telemetry = telemetry;
        Prometheus = prometheus;
        Store = store;
        ArtifactsRoot = artifactsRoot;
        RunTrainer = runTrainer;
        ShutdownTimeout = shutdownTimeout;
        ApiToken = apiToken;
        ListenUrls = listenUrls;
        UsesDefaultUrl = usesDefaultUrl;
    }

    public StoreConnection Store { get; }

    /// <summary>The artifact folder; on the azure profile, the local folder blobs are materialised into.</summary>
    public string ArtifactsRoot { get; }

    /// <summary>The azure profile's storage (checked), or null on the other profiles.</summary>
    public AzureStorageOptions? Azure { get; }

    /// <summary>The folder API imports may read from (full path), or null: imports through the API are off.</summary>
    public string? DatasetsRoot { get; }

    /// <summary>Also run a trainer in this process (off by default; one silo of a cluster should have it until
    /// the separate trainer process exists).</summary>
    public bool RunTrainer { get; }

    /// <summary>How long a graceful stop may take (<see cref="Microsoft.Extensions.Hosting.HostOptions.ShutdownTimeout"/>).</summary>
    public TimeSpan ShutdownTimeout { get; }

    /// <summary>The bearer token every /api request must carry, or null (allowed only on loopback).</summary>
    public string? ApiToken { get; }

    /// <summary>The configured listen URLs (or the default).</summary>
    public IReadOnlyList<string> ListenUrls { get; }

    /// <summary>Where other machines reach this silo's API (reported by /api/silos), or null for the bound address.</summary>
    public string? AdvertisedUrl { get; }

    /// <summary>Where telemetry goes: "off", or "OTLP" and the collector's scheme, host and port.</summary>
    public string Telemetry { get; }

    /// <summary>Whether the silo serves its metrics for Prometheus at <c>/metrics</c>.</summary>
    public bool Prometheus { get; }

    /// <summary>Nothing configured where to listen: the silo binds <see cref="SiloSettingNames.DefaultUrl"/>.</summary>
    public bool UsesDefaultUrl { get; }

    /// <summary>The backend: <c>simulator</c> or <c>llm</c>.</summary>
    public string Backend { get; private init; } = "simulator";

    /// <summary>The LLM configuration file given by <c>--llm-config</c>, or null (the LLM backend then reads <c>SOTOPIA_LLM_CONFIG</c>).</summary>
    public string? LlmConfigPath { get; private init; }

    /// <summary>Binds <see cref="SiloHostOptions"/> from the documented names in <paramref name="configuration"/>,
    /// checks them with <see cref="SiloHostOptionsValidator"/> (the validator the host also runs at start) and
    /// returns the typed view. Used before the host is built, because the store, the artifact store and the listen
    /// addresses decide what is composed; throws <see cref="SiloConfigurationException"/> listing every problem.</summary>
    public static SiloHostSettings Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = SiloHostOptions.Bind(configuration);
        var result = new SiloHostOptionsValidator(configuration).Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new SiloConfigurationException([.. result.Failures]);
        }
        var store = StoreConnection.Parse(options.Store!);
        var (urls, usesDefault) = ListenAddresses(configuration);
        var artifacts = options.Artifacts is { Length: > 0 } dir ? Path.GetFullPath(dir) : SotopiaStoreFactory.DefaultArtifactsRoot(store);
        var azure = string.Equals(options.Profile, "azure", StringComparison.OrdinalIgnoreCase) ? AzureSection(configuration) : null;
        return new SiloHostSettings(
            store, artifacts, options.RunsTrainer(), options.ShutdownTimeoutValue(), string.IsNullOrEmpty(options.ApiToken) ? null : options.ApiToken,
            urls, usesDefault, options.AdvertisedUrl, TelemetryTarget(configuration), options.ServesPrometheus(), azure,
            options.Datasets is { } datasets ? Path.GetFullPath(datasets) : null)
        {
            Backend = options.Backend?.ToLowerInvariant() ?? "simulator",
            LlmConfigPath = options.LlmConfig,
        };
    }

    /// <summary>The azure profile's storage settings (section <c>AzureStorage</c>).</summary>
    internal static AzureStorageOptions AzureSection(IConfiguration configuration) =>
        configuration.GetSection(AzureStorageOptions.SectionName).Get<AzureStorageOptions>() ?? new AzureStorageOptions();

    private static string TelemetryTarget(IConfiguration configuration)
    {
        if (!ServiceDefaultsExtensions.ExportsOtlp(configuration))
        {
            return "off";
        }
        var endpoint = new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" }
            .Select(v => configuration[v]).First(v => !string.IsNullOrWhiteSpace(v))!;
        return "OTLP " + new Uri(endpoint.Trim()).GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Why <paramref name="url"/> is not a listen URL Kestrel binds as written — <c>scheme://host:port</c>
    /// with an optional trailing <c>/</c> (or <c>http://unix:/path</c>) — or null when it is. Kestrel reads what it
    /// cannot parse as "every interface, port 80", so <c>http://127.0.0.1:18083#x</c> must never reach it.</summary>
    public static string? ListenUrlProblem(string url)
    {
        var text = url.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var prefix = scheme < 0 ? "" : text[..scheme];
        if (!string.Equals(prefix, "http", StringComparison.OrdinalIgnoreCase) && !string.Equals(prefix, "https", StringComparison.OrdinalIgnoreCase))
        {
            return $"--urls: '{url}' is not an http:// or https:// URL.";
        }
        var rest = text[(scheme + 3)..];
        if (rest.StartsWith("unix:/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var authority = rest.EndsWith('/') ? rest[..^1] : rest;
        if (authority.IndexOfAny(['/', '?', '#', '@', ' ']) >= 0)
        {
            return $"--urls: '{url}' has a path, query, fragment or user; a listen URL is scheme://host:port.";
        }
        string host, port;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < authority.Length && authority[close + 1] != ':'))
            {
                return $"--urls: '{url}' has a malformed IPv6 host.";
            }
            host = authority[1..close];
            port = close + 1 < authority.Length ? authority[(close + 2)..] : "";
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? "" : authority[(colon + 1)..];
        }
        if (host.Length == 0 || (host is not ("*" or "+") && Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            return $"--urls: '{url}' has no valid host.";
        }
        if (port.Length > 0 && (!port.All(char.IsAsciiDigit) || port.Length > 5 || int.Parse(port, CultureInfo.InvariantCulture) > 65535))
        {
            return $"--urls: '{url}' has an invalid port '{port}' (a number from 0 to 65535).";
        }
        return null;
    }

    /// <summary>Whether a listen URL binds only the loopback interface (<c>localhost</c>, <c>127.0.0.0/8</c>,
    /// <c>[::1]</c>) or a Unix socket. Wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) and every other
    /// host are not.</summary>
    public static bool IsLoopback(string url)
    {
        var text = url.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return false;
        }
        var rest = text[(scheme + 3)..];
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = rest[1..close];
        }
        else
        {
            var end = rest.IndexOfAny([':', '/']);
            host = end < 0 ? rest : rest[..end];
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    public override string ToString() =>
        $"store: {Store.Description}; {(Azure is null ? "" : $"profile: azure ({Azure.Describe()}, artifacts container {Azure.ArtifactsContainer}); ")}artifacts: {ArtifactsRoot}; datasets: {DatasetsRoot ?? "none (API imports off)"}; trainer: {(RunTrainer ? "on" : "off")}; " +
        $"listen: {string.Join(", ", ListenUrls)}; API token: {(ApiToken is null ? "none (loopback only)" : "required")}; shutdown timeout: {ShutdownTimeout}; " +
        $"telemetry: {Telemetry}{(Prometheus ? "; Prometheus: /metrics" : "")}";

    /// <summary>The addresses Kestrel will bind, with its precedence: endpoints in configuration
    /// (<c>Kestrel:Endpoints:*:Url</c>) override <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), which override
    /// <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>: every interface).</summary>
    internal static (IReadOnlyList<string> Urls, bool UsesDefault) ListenAddresses(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().Where(u => u.Length > 0).ToList();
        if (endpoints.Count > 0)
        {
            return (endpoints, false);
        }
        if (configuration["urls"] is { Length: > 0 } configured)
        {
            return (configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), false);
        }
        var ports = new List<string>();
        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
        {
            if (configuration[key] is { Length: > 0 } list)
            {
                ports.AddRange(list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}"));
            }
        }
        return ports.Count == 0 ? ([SiloSettingNames.DefaultUrl], true) : (ports, false);
    }
}
