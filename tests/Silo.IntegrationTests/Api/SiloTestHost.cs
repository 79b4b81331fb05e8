using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>A real silo (the silo process's own host builder) in this process, listening on 127.0.0.1 with a
/// free port, over a SQLite file; with an <see cref="HttpClient"/> that speaks the API's JSON.</summary>
internal sealed class SiloTestHost : IAsyncDisposable
{
    private bool _stopped;

    private SiloTestHost(SiloApplication silo, HttpClient http)
    {
        Silo = silo;
        Http = http;
    }

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
                    // Long leases: a lease found expired right after a stop was released, not timed out.
                    ["Silo:LeaseDuration"] = "00:05:00",
                    ["Silo:HeartbeatInterval"] = "00:00:10",
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
            });
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
        return new SiloTestHost(silo, http);
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

    /// <summary>Asks the API until the campaign reaches <paramref name="status"/> (a client can only poll).</summary>
    public async Task<CampaignStatusResponse> WaitForCampaignAsync(string id, CampaignStatus status, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(3);
        using var cts = new CancellationTokenSource(limit);
        CampaignStatusResponse? last = null;
        try
        {
            while (true)
            {
                last = await GetAsync<CampaignStatusResponse>($"api/campaigns/{id}");
                if (last.Status == status)
                {
                    return last;
                }
                Assert.False(last.Status is CampaignStatus.Failed or CampaignStatus.Cancelled && status != last.Status,
                    $"campaign {id} ended {last.Status} ({last.Error}) while waiting for {status}");
                await Task.Delay(50, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"campaign {id}: expected status {status} within {limit}, still {last?.Status} at stage {last?.Stage} step {last?.Step}, episodes {last?.Episodes.Finished}/{last?.Episodes.Total}");
        }
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
