using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>Runs a whole campaign in this process exactly as <c>sotopia run</c> does (SQLite store, silo and
/// trainer hosted in-process) and returns the final record.</summary>
internal static class EmbeddedCampaign
{
    public static async Task<CampaignRecord> RunAsync(string home, CampaignSpec spec, string? campaignId = null, int concurrency = 256)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var runtime = await EmbeddedRuntime.OpenAsync(home, timeout.Token);
        string id;
        await using (var services = runtime.BuildServices())
        {
            id = (await services.GetRequiredService<CampaignLauncher>().CreateAsync(spec, campaignId, timeout.Token)).Id;
        }
        using var host = runtime.BuildHost(concurrency);
        await host.StartAsync(timeout.Token);
        try
        {
            while (true)
            {
                var campaign = await runtime.Store.GetCampaignAsync(id, timeout.Token);
                if (campaign!.Status is not CampaignStatus.Running)
                {
                    return campaign;
                }
                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var campaign = await runtime.Store.GetCampaignAsync(id, CancellationToken.None);
            throw new TimeoutException($"Campaign {id} did not finish within 10 minutes: stage {campaign?.Stage}, step {campaign?.Step}, status {campaign?.Status}. Log: {runtime.LogPath}");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
