using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>This silo as others see it: id, where its API listens, when it started, its lifecycle status and
/// its live counters.</summary>
internal sealed class LocalSilo(
    IOptions<SiloOptions> options,
    SiloStatistics statistics,
    IHostApplicationLifetime lifetime,
    IServer server,
    LocalSiloAddress advertised,
    TimeProvider time)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public string Id => options.Value.SiloId;

    public DateTimeOffset StartedAt => _startedAt;

    public string Status => lifetime.ApplicationStopping.IsCancellationRequested
        ? SiloStatusNames.Stopping
        : lifetime.ApplicationStarted.IsCancellationRequested ? SiloStatusNames.Active : SiloStatusNames.Joining;

    /// <summary>The advertised address if one is configured, else the first address the server bound.</summary>
    public string Address => advertised.Url
        ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? "";

    public SiloResponse Describe() => new()
    {
        Id = Id,
        Address = Address,
        StartedAt = _startedAt,
        // This silo is answering, so its heartbeat is now.
        LastHeartbeatAt = time.GetUtcNow(),
        Status = Status,
        ActiveEpisodes = statistics.ActiveEpisodes,
        CompletedEpisodes = statistics.EpisodesCompleted,
        FailedEpisodes = statistics.EpisodesFailed,
        DroppedActivations = statistics.ActivationsDropped,
        MaxConcurrentEpisodes = options.Value.MaxConcurrentEpisodes,
        IsSelf = true,
    };
}
