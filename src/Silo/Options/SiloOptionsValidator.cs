using System.Net;
using Microsoft.Extensions.Options;

namespace SotopiaPi.Silo.Options;

/// <summary>Lists every problem of a <see cref="SiloOptions"/> at start-up.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SiloId))
        {
            failures.Add("Silo:SiloId must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Silo:ClusterId must not be empty.");
        }
        if (options.MaxConcurrentEpisodes is < 1 or > 100_000)
        {
            failures.Add($"Silo:MaxConcurrentEpisodes must be between 1 and 100000 (got {options.MaxConcurrentEpisodes}).");
        }
        if (options.SiloPort is < 0 or > 65535)
        {
            failures.Add($"Silo:SiloPort must be a port number (got {options.SiloPort}).");
        }
        if (options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"Silo:GatewayPort must be a port number, or 0 for no gateway (got {options.GatewayPort}).");
        }
        if (options.SiloPort != 0 && options.SiloPort == options.GatewayPort)
        {
            failures.Add($"Silo:SiloPort and Silo:GatewayPort must differ (both {options.SiloPort}).");
        }
        if (options.AdvertisedAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"Silo:AdvertisedAddress must be an IP address (got '{address}').");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
