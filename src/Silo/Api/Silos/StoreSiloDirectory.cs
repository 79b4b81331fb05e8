using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>Every silo the store knows (membership rows written by each silo's heartbeat); the answering silo
/// is described from its live counters. A silo whose heartbeat is older than the lease duration is dead: its
/// leases have expired too, so its work has moved.</summary>
internal sealed class StoreSiloDirectory(ISotopiaStore store, LocalSilo self, IOptions<SiloOptions> options) : ISiloDirectory
{
    public async Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await store.ListSilosAsync(options.Value.LeaseDuration, cancellationToken);
        var result = new List<SiloResponse> { self.Describe() };
        foreach (var row in rows.Where(r => r.Id != self.Id))
        {
            result.Add(new SiloResponse
            {
                Id = row.Id,
                Address = row.Address,
                StartedAt = row.StartedAt,
                LastHeartbeatAt = row.LastHeartbeat,
                Status = row.Status == SiloStatus.Active ? SiloStatusNames.Active : SiloStatusNames.Dead,
                ActiveEpisodes = row.Stats?.RunningEpisodes,
                CompletedEpisodes = row.Stats?.CompletedEpisodes,
                FailedEpisodes = row.Stats?.FailedEpisodes,
            });
        }
        return result;
    }
}
