using System.Globalization;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The cluster as Orleans sees it: membership entries (status, start, last "I am alive"), each active silo's
/// activations by grain type (episodes in flight are its episode grain activations) and its advertised metadata (API
/// address, capacity). Silos that died more than <see cref="DeadKept"/> ago are left out.</summary>
internal sealed class OrleansSiloDirectory(IGrainFactory grains, ILocalSiloDetails local, ISiloMetadataCache metadata, TimeProvider time) : ISiloDirectory
{
    public const string ApiUrlKey = "sotopia.api_url";

    private static readonly TimeSpan DeadKept = TimeSpan.FromHours(1);

    public async Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
        var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
        var statistics = active.Length == 0 ? [] : await management.GetSimpleGrainStatistics(active).WaitAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. hosts
            .Where(h => h.Status != SiloStatus.Dead || now - new DateTimeOffset(h.IAmAliveTime, TimeSpan.Zero) < DeadKept)
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h =>
            {
                var mine = statistics.Where(s => s.SiloAddress.Equals(h.SiloAddress)).ToList();
                var isActive = h.Status == SiloStatus.Active;
                var advertised = isActive ? metadata.GetSiloMetadata(h.SiloAddress).Metadata : null;
                return new SiloResponse
                {
                    Id = h.SiloName,
                    Address = h.SiloAddress.ToParsableString(),
                    ApiUrl = advertised?.GetValueOrDefault(ApiUrlKey),
                    StartedAt = new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                    LastHeartbeatAt = new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)),
                    Status = StatusName(h.Status),
                    GrainsActive = isActive ? mine.Sum(s => (long)s.ActivationCount) : null,
                    EpisodesInFlight = isActive ? mine.Where(s => s.GrainType.EndsWith(".EpisodeGrain", StringComparison.Ordinal)).Sum(s => (long)s.ActivationCount) : null,
                    MaxConcurrentEpisodes = advertised?.GetValueOrDefault(ClusterCapacity.MetadataKey) is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var capacity) ? capacity : null,
                    IsSelf = h.SiloAddress.Equals(local.SiloAddress),
                };
            })];
    }

    public async Task<string?> CampaignDriverAsync(string campaignId, CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var address = await management.GetActivationAddress(grains.GetGrain<ICampaignGrain>(campaignId)).AsTask().WaitAsync(cancellationToken);
        if (address is null)
        {
            return null;
        }
        var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(cancellationToken);
        return hosts.FirstOrDefault(h => h.SiloAddress.Equals(address))?.SiloName ?? address.ToString();
    }

    private static string StatusName(SiloStatus status) => status switch
    {
        SiloStatus.Active => SiloStatusNames.Active,
        SiloStatus.ShuttingDown or SiloStatus.Stopping => SiloStatusNames.Stopping,
        SiloStatus.Dead => SiloStatusNames.Dead,
        _ => SiloStatusNames.Joining,
    };
}
