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
        if (options.MaxConcurrentEpisodes < 1)
        {
            failures.Add($"Silo:MaxConcurrentEpisodes must be at least 1 (got {options.MaxConcurrentEpisodes}).");
        }
        if (options.ClaimBatchSize < 1)
        {
            failures.Add($"Silo:ClaimBatchSize must be at least 1 (got {options.ClaimBatchSize}).");
        }
        if (options.LeaseDuration <= TimeSpan.Zero)
        {
            failures.Add("Silo:LeaseDuration must be positive.");
        }
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval * 2 > options.LeaseDuration)
        {
            failures.Add($"Silo:HeartbeatInterval ({options.HeartbeatInterval}) must be positive and at most half of Silo:LeaseDuration ({options.LeaseDuration}).");
        }
        if (options.IdlePollInterval <= TimeSpan.Zero || options.CampaignPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Silo:IdlePollInterval and Silo:CampaignPollInterval must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
