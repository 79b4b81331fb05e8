using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A silo on a fresh, empty SQLite store (no trainer, its datasets folder the fixture's folder), for
/// requests that must be refused.</summary>
public sealed class EmptySiloFixture : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("sotopia-api-empty");
    private SiloTestHost? _silo;

    internal SiloTestHost Silo => _silo!;

    public TempDirectory Folder => _folder;

    public async Task InitializeAsync() =>
        _silo = await SiloTestHost.StartAsync(
            _folder.Combine("sotopia.db"), siloId: "empty-silo", trainer: false,
            settings: new Dictionary<string, string?> { ["datasets"] = _folder.Path });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        _folder.Dispose();
    }
}
