using SotopiaPi.Silo.Api.Contracts;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The silos of the cluster as <c>GET /api/silos</c> shows them. Today: <see cref="LocalSiloDirectory"/>
/// (this silo only). When the store's silo membership contract is merged, an implementation over it (rows with
/// id, address, started, last heartbeat, status) replaces it — merged with this silo's live counters for
/// <see cref="SiloResponse.IsSelf"/> — by registering it instead in <c>SotopiaApiServiceCollectionExtensions</c>.</summary>
internal interface ISiloDirectory
{
    Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken);
}
