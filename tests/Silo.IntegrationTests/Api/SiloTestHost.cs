using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A real silo (the silo process's own host builder: an Orleans silo with the API) in this process,
/// listening on 127.0.0.1 with free ports (API, silo, gateway), over a SQLite file; with an <see cref="HttpClient"/>
/// that speaks the API's JSON, and the store observed so tests wait on what is written, not on time.</summary>
internal sealed class SiloTestHost : IAsyncDisposable
{
    private bool _stopped;

    private SiloTestHost(SiloApplication silo, HttpClient http, ObservedStore observed)
    {
        Silo = silo;
        Http = http;
        Observed = observed;
    }

    /// <summary>The store as the silo writes it.</summary>
    public ObservedStore Observed { get; }

    public SiloApplication Silo { get; }

    public HttpClient Http { get; }

    public ISotopiaStore Store => Silo.Store;

    public Uri BaseAddress => Http.BaseAddress!;

    public static async Task<SiloTestHost> StartAsync(
        string storePath,
        string? token = null,
        string siloId = "test-silo",
        bool trainer = true,
        PolicyGate? gate = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        ObservedStore? observed = null;
        var silo = await SiloHost.CreateAsync(
            [],
            builder =>
            {
                builder.Logging.ClearProviders();
                var values = new Dictionary<string, string?>
                {
                    ["store"] = storePath,
                    ["urls"] = "http://127.0.0.1:0",
                    ["SOTOPIA_API_TOKEN"] = token ?? "",
                    ["trainer"] = trainer ? "true" : "false",
                    ["Silo:SiloId"] = siloId,
                    ["Silo:SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Silo:GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Trainer:TrainerId"] = siloId + "-trainer",
                };
                foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                {
                    values[key] = value;
                }
                builder.Configuration.AddInMemoryCollection(values);
            },
            services =>
            {
                if (gate is not null)
                {
                    var original = services.Last(d => d.ServiceType == typeof(IPolicyProvider));
                    services.Remove(original);
                    services.AddSingleton<IPolicyProvider>(sp => new GatedPolicyProvider(
                        (IPolicyProvider)(original.ImplementationInstance ?? original.ImplementationFactory!(sp)), gate));
                }
            },
            store => observed = new ObservedStore(store));
        try
        {
            await silo.StartAsync();
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
        var http = new HttpClient { BaseAddress = new Uri(silo.Addresses[0]), Timeout = TimeSpan.FromMinutes(1) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return new SiloTestHost(silo, http, observed!);
    }

    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await Http.GetAsync(path);
        await ApiAssert.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<T>(SotopiaJson.Options))!;
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await Http.PostAsync(path, content);
    }

    /// <summary>Waits until the silo stored the campaign with <paramref name="status"/> (failing early, with the reason,
    /// if it ends otherwise), then returns the API's view of it.</summary>
    public async Task<CampaignStatusResponse> WaitForCampaignAsync(string id, CampaignStatus status, TimeSpan? timeout = null)
    {
        var reached = await Observed.WaitForCampaignAsync(
            id, c => c.Status == status || c.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled, $"{status}", timeout ?? TimeSpan.FromMinutes(3));
        Assert.True(reached.Status == status, $"campaign {id} ended {reached.Status} ({reached.Error}) while waiting for {status}");
        return await GetAsync<CampaignStatusResponse>($"api/campaigns/{id}");
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Silo.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        await Silo.DisposeAsync();
    }
}
