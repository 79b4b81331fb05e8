using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>Runs a whole campaign in this process exactly as <c>sotopia run</c> does (SQLite store, silo and
/// trainer hosted in-process) and returns its record once it stops running (ended or paused).</summary>
internal static class EmbeddedCampaign
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static async Task<CampaignRecord> RunAsync(string home, CampaignSpec spec, string? campaignId = null, int concurrency = 256)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        ObservedStore? observed = null;
        await using var runtime = await EmbeddedRuntime.OpenAsync(home, timeout.Token, store => observed = new ObservedStore(store));
        await using var silo = await runtime.StartSiloAsync(concurrency, timeout.Token);
        var id = (await silo.Launcher.CreateAsync(spec, campaignId, timeout.Token)).Id;
        return await observed!.WaitForCampaignAsync(id, c => c.Status != CampaignStatus.Running, "no longer running", Timeout);
    }
}
