using System.Net;
using System.Net.Http.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>One silo (with its trainer) on a fresh SQLite store, and a small campaign started through
/// <c>POST /api/campaigns</c> and run to completion.</summary>
public sealed class CompletedCampaignFixture : IAsyncLifetime
{
    public const string SiloId = "api-campaign-silo";

    private readonly TempDirectory _folder = new("sotopia-api");
    private SiloTestHost? _silo;

    internal SiloTestHost Silo => _silo!;

    public HttpStatusCode CreatedStatus { get; private set; }

    public Uri? CreatedLocation { get; private set; }

    public CampaignStatusResponse Created { get; private set; } = null!;

    public CampaignStatusResponse Completed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), siloId: SiloId);
        using var response = await _silo.PostJsonAsync("api/campaigns", ApiSpecs.Small);
        await ApiAssert.SuccessAsync(response);
        CreatedStatus = response.StatusCode;
        CreatedLocation = response.Headers.Location;
        Created = (await response.Content.ReadFromJsonAsync<CampaignStatusResponse>(SotopiaJson.Options))!;
        Completed = await _silo.WaitForCampaignAsync(Created.Id, CampaignStatus.Completed);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        _folder.Dispose();
    }
}
