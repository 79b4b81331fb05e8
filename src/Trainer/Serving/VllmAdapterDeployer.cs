using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer.Serving;

/// <summary>Puts a LoRA adapter into service on every configured vLLM server and proves it is served: load it,
/// see it in <c>/v1/models</c> with the right path, and get an answer from it under its own name. Also unloads
/// adapters no one can still need (see <see cref="RetireAsync"/>).</summary>
internal sealed partial class VllmAdapterDeployer(
    VllmClient client,
    ISotopiaStore store,
    IArtifactStore artifacts,
    IOptions<TrainerOptions> options,
    ILogger<VllmAdapterDeployer> logger)
{
    private ExternalTrainingOptions Options => options.Value.External;

    public IReadOnlyList<string> Servers => Options.VllmServers;

    /// <summary>The adapter folder's path as the vLLM servers see it.</summary>
    public string ServerPath(string relativePath) =>
        Options.AdapterRootOnServer is { Length: > 0 } root
            ? root.TrimEnd('/') + "/" + relativePath
            : artifacts.GetFullPath(relativePath);

    /// <summary>Loads the adapter into every server and checks each serves it; on any failure unloads it from
    /// the servers this call loaded it into and throws.</summary>
    public async Task LoadEverywhereAsync(string name, string relativePath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var path = ServerPath(relativePath);
        var key = ApiKey();
        var loadedHere = new List<string>();
        try
        {
            foreach (var server in Servers)
            {
                progress.Report($"external: loading adapter {name} into {server}");
                if (await client.LoadAdapterAsync(server, name, path, key, cancellationToken))
                {
                    loadedHere.Add(server);
                    LogLoaded(logger, name, server, path);
                }
                await CheckServedAsync(server, name, path, key, cancellationToken);
            }
        }
        catch (Exception) when (loadedHere.Count > 0)
        {
            await UnloadQuietlyAsync(name, loadedHere);
            throw;
        }
    }

    /// <summary>Checks every server still serves the adapter (after the publish).</summary>
    public async Task VerifyEverywhereAsync(string name, string relativePath, CancellationToken cancellationToken)
    {
        var key = ApiKey();
        foreach (var server in Servers)
        {
            await CheckServedAsync(server, name, ServerPath(relativePath), key, cancellationToken);
        }
    }

    /// <summary>Unloads adapters of <paramref name="published"/>'s policy that nobody can still need: keeps the
    /// newest <see cref="ExternalTrainingOptions.KeepLoadedVersions"/> versions, the active one, every version
    /// pinned by a pending or running episode, and every version of a campaign that is still running or paused
    /// (its evaluation plays all of them). Does nothing when KeepLoadedVersions is 0.</summary>
    public async Task<IReadOnlyList<PolicyVersion>> RetireAsync(PolicyVersion published, CancellationToken cancellationToken)
    {
        var keep = Options.KeepLoadedVersions;
        if (keep <= 0 || Servers.Count == 0)
        {
            return [];
        }
        var policy = published.PolicyName;
        var adapters = (await store.ListVersionsAsync(policy, cancellationToken))
            .Where(v => v.CheckpointPath?.StartsWith("adapters/", StringComparison.Ordinal) == true)
            .OrderByDescending(v => v.Version)
            .ToList();
        var active = (await store.GetActiveVersionAsync(policy, cancellationToken))?.Version;
        var pinned = await PinnedVersionsAsync(policy, cancellationToken);
        var liveCampaigns = (await store.ListCampaignsAsync(cancellationToken))
            .Where(c => c.Status is CampaignStatus.Running or CampaignStatus.Paused)
            .Select(c => c.Id)
            .ToHashSet(StringComparer.Ordinal);
        var retired = new List<PolicyVersion>();
        foreach (var version in adapters.Skip(keep))
        {
            if (version.Version == active || pinned.Contains(version.Version)
                || (version.CampaignId is not null && liveCampaigns.Contains(version.CampaignId)))
            {
                continue;
            }
            var key = ApiKey();
            foreach (var server in Servers)
            {
                if (await client.UnloadAdapterAsync(server, version.Model, key, cancellationToken))
                {
                    LogUnloaded(logger, version.Model, server, policy, version.Version);
                }
            }
            retired.Add(version);
        }
        return retired;
    }

    /// <summary>The versions of <paramref name="policy"/> that pending or running episodes pinned.</summary>
    public async Task<HashSet<int>> PinnedVersionsAsync(string policy, CancellationToken cancellationToken)
    {
        const int Page = 5_000;
        var pinned = new HashSet<int>();
        foreach (var status in new[] { EpisodeStatus.Pending, EpisodeStatus.Running })
        {
            for (var offset = 0; ; offset += Page)
            {
                var page = await store.ListEpisodesAsync(new EpisodeQuery { Status = status, Offset = offset, Limit = Page }, cancellationToken);
                foreach (var seat in page.SelectMany(e => e.Seats).Where(s => s.Role == AgentRoles.Policy && s.PolicyName == policy))
                {
                    pinned.Add(seat.Version);
                }
                if (page.Count < Page)
                {
                    break;
                }
            }
        }
        return pinned;
    }

    /// <summary>Best effort: unloads from the given servers, logging failures.</summary>
    public async Task UnloadQuietlyAsync(string name, IEnumerable<string> servers)
    {
        var key = ApiKey();
        foreach (var server in servers)
        {
            try
            {
                await client.UnloadAdapterAsync(server, name, key, CancellationToken.None);
            }
            catch (TrainingBackendException ex)
            {
                LogUnloadFailed(logger, ex, name, server);
            }
        }
    }

    private async Task CheckServedAsync(string server, string name, string path, string? key, CancellationToken cancellationToken)
    {
        var models = await client.ListModelsAsync(server, key, cancellationToken);
        var entry = models.FirstOrDefault(m => m.Id == name);
        if (entry is null)
        {
            throw new TrainingBackendException(
                $"vLLM server {server} does not list adapter '{name}' in /v1/models (it serves: {string.Join(", ", models.Select(m => m.Id))}); the load did not take effect.");
        }
        if (entry.Root is { } root && !string.Equals(root.TrimEnd('/'), path.TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new TrainingBackendException(
                $"vLLM server {server} serves another adapter under the name '{name}' (path '{root}', expected '{path}'); unload it or choose another name.");
        }
        if (Options.ProbeAfterPublish)
        {
            var answeredBy = await client.ProbeAsync(server, name, key, cancellationToken);
            if (!string.Equals(answeredBy, name, StringComparison.Ordinal))
            {
                throw new TrainingBackendException(
                    $"A call to adapter '{name}' on vLLM server {server} was answered by model '{answeredBy}'; the adapter is not what serves it.");
            }
        }
    }

    private string? ApiKey() =>
        Options.VllmApiKeyVariable is { Length: > 0 } variable ? Environment.GetEnvironmentVariable(variable) : null;

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Loaded adapter {Adapter} into {Server} from {Path}")]
    private static partial void LogLoaded(ILogger logger, string adapter, string server, string path);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Unloaded adapter {Adapter} from {Server} ({Policy} v{Version} is no longer needed)")]
    private static partial void LogUnloaded(ILogger logger, string adapter, string server, string policy, int version);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Could not unload adapter {Adapter} from {Server}")]
    private static partial void LogUnloadFailed(ILogger logger, Exception exception, string adapter, string server);
}
