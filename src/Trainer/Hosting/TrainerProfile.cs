using Microsoft.Extensions.Configuration;
using SotopiaPi.Storage.Azure;

namespace SotopiaPi.Trainer.Hosting;

/// <summary>The silos' profile as the trainer sees it (<c>SOTOPIA_PROFILE</c> or <c>--profile</c>): on <c>azure</c> the
/// trainer finds the silos in the Azure Table membership and reads and writes artifacts in the Blob container (section
/// <c>AzureStorage</c>, the silos' settings); <c>--artifacts</c> is then the local folder blobs are materialised into.</summary>
public static class TrainerProfile
{
    public const string Setting = "profile";
    public const string Variable = "SOTOPIA_PROFILE";

    /// <summary>The azure settings, or null on the other profiles; adds every problem (naming its setting) to <paramref name="problems"/>.</summary>
    public static AzureStorageOptions? ReadAzure(IConfiguration configuration, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var profile = (configuration[Setting] is { Length: > 0 } p ? p : configuration[Variable])?.Trim().ToLowerInvariant();
        switch (profile)
        {
            case null or "" or "auto":
                return null;
            case "azure":
                var azure = configuration.GetSection(AzureStorageOptions.SectionName).Get<AzureStorageOptions>() ?? new AzureStorageOptions();
                foreach (var problem in azure.Validate())
                {
                    problems?.Add(problem);
                }
                return azure;
            default:
                problems?.Add($"--profile / {Variable}: '{profile}' is not one of auto, azure.");
                return null;
        }
    }
}
