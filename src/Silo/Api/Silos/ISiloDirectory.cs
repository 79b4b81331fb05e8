using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The silos of the cluster as <c>GET /api/silos</c> shows them: <see cref="StoreSiloDirectory"/> reads
/// the membership rows every silo's heartbeat writes, and describes the answering silo from its live counters.</summary>
internal interface ISiloDirectory
{
    Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken);
}
