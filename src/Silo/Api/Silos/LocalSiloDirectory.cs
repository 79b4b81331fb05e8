using SotopiaPi.Silo.Api.Contracts;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The silo directory while the store has no membership rows: this silo alone.</summary>
internal sealed class LocalSiloDirectory(LocalSilo self) : ISiloDirectory
{
    public Task<IReadOnlyList<SiloResponse>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SiloResponse>>([self.Describe()]);
}
