using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SotopiaPi.ServiceDefaults;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Storage.Azure;

namespace SotopiaPi.Silo.Options;

/// <summary>Lists every problem of a <see cref="SiloHostOptions"/>, each naming its switch and variable, including
/// the security rule: a silo listening on anything but loopback needs an API token. It reads the rest of
/// <paramref name="configuration"/> for what ASP.NET and the OpenTelemetry SDK own there: the listen addresses
/// (<c>urls</c>, <c>Kestrel:Endpoints</c>, …), the <c>AzureStorage</c> section and the <c>OTEL_*</c> variables.
/// Never echoes the token.</summary>
internal sealed class SiloHostOptionsValidator(IConfiguration configuration) : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();

        StoreConnection? store = null;
        try
        {
            store = StoreConnection.Parse(options.Store ?? "");
        }
        catch (FormatException ex)
        {
            problems.Add($"--store / {SiloSettingNames.StoreVariable}: {ex.Message}");
        }

        switch (options.Profile?.ToLowerInvariant())
        {
            case null or "auto":
                break;
            case "azure":
                problems.AddRange(SiloHostSettings.AzureSection(configuration).Validate());
                if (store is { Kind: not StoreKind.PostgreSql })
                {
                    problems.Add($"--profile / {SiloSettingNames.ProfileVariable}: the azure profile keeps the project store in PostgreSQL; --store / {SiloSettingNames.StoreVariable} is {store.Description}.");
                }
                break;
            case var other:
                problems.Add($"--profile / {SiloSettingNames.ProfileVariable}: '{other}' is not one of auto, azure.");
                break;
        }

        if (!SiloHostOptions.TryParseFlag(options.Trainer, out _))
        {
            problems.Add($"--trainer / {SiloSettingNames.TrainerVariable}: '{options.Trainer}' is not true or false.");
        }
        if (!SiloHostOptions.TryParseFlag(options.Prometheus, out _))
        {
            problems.Add($"--prometheus / {SiloSettingNames.PrometheusVariable}: '{options.Prometheus}' is not true or false.");
        }
        if (!SiloHostOptions.TryParseShutdownTimeout(options.ShutdownTimeout, out _))
        {
            problems.Add($"--shutdown-timeout / {SiloSettingNames.ShutdownTimeoutVariable}: '{options.ShutdownTimeout}' is not a duration between 00:00:01 and 01:00:00 (format hh:mm:ss).");
        }

        if (options.ApiToken is { Length: > 0 } token && (token.Length < SiloHostSettings.MinimumTokenLength || token.Any(char.IsWhiteSpace)))
        {
            // Never echo the token, not even a part of it.
            problems.Add($"{SiloSettingNames.ApiTokenVariable}: the token must be at least {SiloHostSettings.MinimumTokenLength} characters without spaces (it is not shown here).");
        }

        if (options.AdvertisedUrl is { } advertised && !Uri.TryCreate(advertised, UriKind.Absolute, out _))
        {
            problems.Add($"--advertised-url / {SiloSettingNames.AdvertisedUrlVariable}: '{advertised}' is not an absolute URL.");
        }

        if (options.Datasets is { } datasets && !Directory.Exists(Path.GetFullPath(datasets)))
        {
            problems.Add($"--datasets / {SiloSettingNames.DatasetsVariable}: '{datasets}' is not an existing folder.");
        }

        if (options.Backend is { } backend && backend.ToLowerInvariant() is not ("simulator" or "llm"))
        {
            problems.Add($"--backend / {SiloSettingNames.BackendVariable}: '{backend}' is not one of simulator, llm.");
        }

        var (urls, _) = SiloHostSettings.ListenAddresses(configuration);
        problems.AddRange(urls.Select(SiloHostSettings.ListenUrlProblem).OfType<string>());
        var exposed = urls.Where(u => !SiloHostSettings.IsLoopback(u)).ToList();
        if (exposed.Count > 0 && string.IsNullOrEmpty(options.ApiToken))
        {
            problems.Add(
                $"the silo would listen on {string.Join(", ", exposed)}, which is not loopback, without an API token. Set {SiloSettingNames.ApiTokenVariable} " +
                $"(at least {SiloHostSettings.MinimumTokenLength} characters; clients send it as 'Authorization: Bearer <token>'), or listen on 127.0.0.1 only.");
        }

        // The OTEL_* variables the OpenTelemetry SDK reads (service defaults): unusable ones stop the silo here.
        problems.AddRange(ServiceDefaultsExtensions.TelemetryProblems(configuration));

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
