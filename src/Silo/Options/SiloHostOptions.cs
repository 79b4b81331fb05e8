using Microsoft.Extensions.Configuration;
using SotopiaPi.Silo.Hosting;

namespace SotopiaPi.Silo.Options;

/// <summary>What the silo process was told to do (section <c>SiloHost</c>), as configured: each property is set by
/// its documented command-line switch or environment variable (<see cref="Aliases"/>: <c>--store</c> /
/// <c>SOTOPIA_STORE</c> → <c>SiloHost:Store</c>; the switch wins; an empty value counts as unset). Checked as a whole
/// by <see cref="SiloHostOptionsValidator"/> (at start, and before the host is composed, since the store and the
/// listen addresses decide what is composed); <see cref="SiloHostSettings"/> is the typed view of the checked values.
/// Flags and durations stay text here so that every bad value is listed at once, in the words of its switch.</summary>
public sealed class SiloHostOptions
{
    public const string SectionName = "SiloHost";

    /// <summary>SQLite file (path or <c>Data Source=path</c>) or PostgreSQL connection string. Required.</summary>
    public string? Store { get; set; }

    /// <summary>The artifact folder; unset: next to a SQLite file, else <c>./artifacts</c>.</summary>
    public string? Artifacts { get; set; }

    /// <summary><c>auto</c> (unset) or <c>azure</c>.</summary>
    public string? Profile { get; set; }

    /// <summary>Also run a trainer in this process: true/false, 1/0, yes/no, on/off.</summary>
    public string? Trainer { get; set; }

    /// <summary>Serve metrics for Prometheus at <c>/metrics</c>: true/false, 1/0, yes/no, on/off.</summary>
    public string? Prometheus { get; set; }

    /// <summary>How long a graceful stop may take, <c>hh:mm:ss</c> from 00:00:01 to 01:00:00 (default 00:00:30).</summary>
    public string? ShutdownTimeout { get; set; }

    /// <summary>The folder API imports may read; unset: API imports off.</summary>
    public string? Datasets { get; set; }

    /// <summary>Where other machines reach this silo's API (an absolute URL).</summary>
    public string? AdvertisedUrl { get; set; }

    /// <summary>The API bearer token (environment only, never a switch).</summary>
    public string? ApiToken { get; set; }

    /// <summary><c>simulator</c> (unset) or <c>llm</c>.</summary>
    public string? Backend { get; set; }

    /// <summary>The LLM configuration file (<c>--llm-config</c>); unset: <c>SOTOPIA_LLM_CONFIG</c>, read by the LLM backend.</summary>
    public string? LlmConfig { get; set; }

    /// <summary>The documented names of each property: its command-line switch (ASP.NET configuration key) and
    /// environment variable; either may be absent.</summary>
    public static IReadOnlyList<(string Property, string? Switch, string? Variable)> Aliases { get; } =
    [
        (nameof(Store), SiloSettingNames.Store, SiloSettingNames.StoreVariable),
        (nameof(Artifacts), SiloSettingNames.Artifacts, SiloSettingNames.ArtifactsVariable),
        (nameof(Profile), SiloSettingNames.Profile, SiloSettingNames.ProfileVariable),
        (nameof(Trainer), SiloSettingNames.Trainer, SiloSettingNames.TrainerVariable),
        (nameof(Prometheus), SiloSettingNames.Prometheus, SiloSettingNames.PrometheusVariable),
        (nameof(ShutdownTimeout), SiloSettingNames.ShutdownTimeout, SiloSettingNames.ShutdownTimeoutVariable),
        (nameof(Datasets), SiloSettingNames.Datasets, SiloSettingNames.DatasetsVariable),
        (nameof(AdvertisedUrl), SiloSettingNames.AdvertisedUrl, SiloSettingNames.AdvertisedUrlVariable),
        (nameof(ApiToken), null, SiloSettingNames.ApiTokenVariable),
        (nameof(Backend), SiloSettingNames.Backend, SiloSettingNames.BackendVariable),
        (nameof(LlmConfig), SiloSettingNames.LlmConfig, null),
    ];

    /// <summary>The <c>SiloHost:*</c> keys the documented names in <paramref name="configuration"/> set (add them as
    /// a configuration source, after every other one). Values are trimmed, except the token (checked as given).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AliasedValues(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var (property, key, variable) in Aliases)
        {
            // A token of spaces is a bad token, not an unset one; for the rest, blank counts as unset.
            var value = new[] { key, variable }.OfType<string>().Select(k => configuration[k])
                .FirstOrDefault(v => property == nameof(ApiToken) ? !string.IsNullOrEmpty(v) : !string.IsNullOrWhiteSpace(v));
            if (value is not null)
            {
                yield return KeyValuePair.Create($"{SectionName}:{property}", (string?)(property == nameof(ApiToken) ? value : value.Trim()));
            }
        }
    }

    /// <summary>Binds the options from <paramref name="configuration"/>'s documented names and its <c>SiloHost</c> section.</summary>
    public static SiloHostOptions Bind(IConfiguration configuration)
    {
        var view = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(AliasedValues(configuration)).Build();
        return view.GetSection(SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
    }

    /// <summary>The trainer flag (valid once validated).</summary>
    public bool RunsTrainer() => TryParseFlag(Trainer, out var on) && on;

    /// <summary>The Prometheus flag (valid once validated).</summary>
    public bool ServesPrometheus() => TryParseFlag(Prometheus, out var on) && on;

    /// <summary>The shutdown timeout (valid once validated).</summary>
    public TimeSpan ShutdownTimeoutValue() => TryParseShutdownTimeout(ShutdownTimeout, out var timeout) ? timeout : DefaultShutdownTimeout;

    internal static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Unset is false; otherwise true/false, 1/0, yes/no, on/off (any case).</summary>
    internal static bool TryParseFlag(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "":
            case "false" or "0" or "no" or "off":
                value = false;
                return true;
            case "true" or "1" or "yes" or "on":
                value = true;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Unset is the default; otherwise <c>hh:mm:ss</c> from 00:00:01 to 01:00:00.</summary>
    internal static bool TryParseShutdownTimeout(string? text, out TimeSpan timeout)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            timeout = DefaultShutdownTimeout;
            return true;
        }
        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out timeout)
            && timeout > TimeSpan.Zero && timeout <= TimeSpan.FromHours(1);
    }
}
