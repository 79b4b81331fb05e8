using SotopiaPi.Grains.Campaigns;
using SotopiaPi.Grains.Policies;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Finds running campaigns that no live silo drives, takes their lease and runs their
/// <see cref="CampaignGrain"/>. A campaign whose owner died is picked up after the lease expires.</summary>
internal sealed partial class CampaignScheduler(
    ISotopiaStore store,
    IArtifactStore artifacts,
    PolicyRegistryGrain registry,
    CampaignModels models,
    CampaignWakeup wakeup,
    SotopiaInstruments instruments,
    IOptions<SiloOptions> options,
    IOptions<CampaignGrainOptions> grainOptions,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<CampaignScheduler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.RunCampaigns)
        {
            return;
        }
        using var timer = new PeriodicTimer(o.CampaignPollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ClaimCampaignsAsync(o, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPollFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await Task.WhenAll(_running.Values);
    }

    private async Task ClaimCampaignsAsync(SiloOptions o, CancellationToken stoppingToken)
    {
        foreach (var campaign in await store.ListCampaignsAsync(stoppingToken))
        {
            if (campaign.Status != CampaignStatus.Running || _running.ContainsKey(campaign.Id))
            {
                continue;
            }
            var lease = await store.TryAcquireAsync(LeaseKinds.Campaign, campaign.Id, o.LeaseOwner, o.LeaseDuration, stoppingToken);
            if (lease is null)
            {
                continue;
            }
            instruments.LeaseClaimed(LeaseKinds.Campaign, lease.Epoch);
            _running[campaign.Id] = DriveAsync(campaign.Id, lease, stoppingToken);
        }
    }

    private async Task DriveAsync(string campaignId, Lease lease, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var grain = new CampaignGrain(
                campaignId, lease, store, artifacts, registry, models, grainOptions.Value, time,
                loggers.CreateLogger<CampaignGrain>(), wakeup, instruments);
            var status = await grain.RunAsync(stoppingToken);
            LogCampaignLeft(logger, campaignId, status);
        }
        catch (StaleEpochException)
        {
            LogCampaignLost(logger, campaignId);
            return;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: hand the campaign back below.
        }
        catch (Exception ex)
        {
            LogCampaignCrashed(logger, ex, campaignId);
        }
        finally
        {
            _running.TryRemove(campaignId, out _);
        }
        try
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogCampaignCrashed(logger, ex, campaignId);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Looking for campaigns failed; will retry")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Campaign {CampaignId} left this silo with status {Status}")]
    private static partial void LogCampaignLeft(ILogger logger, string campaignId, CampaignStatus status);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Campaign {CampaignId} was taken over by another silo")]
    private static partial void LogCampaignLost(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Campaign {CampaignId} driver crashed; it will be picked up again")]
    private static partial void LogCampaignCrashed(ILogger logger, Exception exception, string campaignId);
}
