using SotopiaPi.Grains.Episodes;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Telemetry;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Claims pending (or orphaned) episodes up to the silo's capacity and runs one
/// <see cref="EpisodeGrain"/> activation per claimed episode. On shutdown it stops claiming, cancels the
/// in-flight turns (every stored turn stays) and releases the leases so another silo resumes at once.</summary>
internal sealed partial class EpisodeScheduler(
    ISotopiaStore store,
    DatasetCache datasets,
    IPolicyProvider policies,
    IEpisodeJudge judge,
    WorkSignal signal,
    SiloStatistics statistics,
    SotopiaInstruments instruments,
    EpisodeTraceContexts traceContexts,
    IOptions<SiloOptions> options,
    TimeProvider time,
    ILogger<EpisodeScheduler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _activations = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        LogStarted(logger, o.SiloId, o.MaxConcurrentEpisodes);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = o.MaxConcurrentEpisodes - _activations.Count;
                var claimed = 0;
                if (free > 0)
                {
                    try
                    {
                        var claims = await store.ClaimEpisodesAsync(o.LeaseOwner, Math.Min(free, o.ClaimBatchSize), o.LeaseDuration, stoppingToken);
                        claimed = claims.Count;
                        foreach (var claim in claims)
                        {
                            Start(claim, stoppingToken);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogClaimFailed(logger, ex, o.SiloId);
                    }
                }
                if (claimed == 0 || free - claimed <= 0)
                {
                    await signal.WaitAsync(o.IdlePollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: fall through to drain.
        }
        await Task.WhenAll(_activations.Values);
        LogStopped(logger, o.SiloId);
    }

    private void Start(ClaimedEpisode claim, CancellationToken stoppingToken)
    {
        statistics.OnStarted();
        instruments.LeaseClaimed(LeaseKinds.Episode, claim.Lease.Epoch);
        instruments.EpisodeStarted(claim.Episode);
        var task = RunAsync(claim, stoppingToken);
        _activations[claim.Episode.Id] = task;
        if (task.IsCompleted)
        {
            _activations.TryRemove(claim.Episode.Id, out _);
        }
    }

    private async Task RunAsync(ClaimedEpisode claim, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failed = false;
        var dropped = false;
        EpisodeStatus? finished = null;
        try
        {
            // A store or network failure says nothing about the episode: keep the lease and retry in place with
            // backoff; the grain re-reads its stored turns, so a turn whose commit result was lost is not replayed.
            // If the outage outlives the lease, the next write is refused as stale and another claim resumes it.
            var backoff = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                try
                {
                    var setup = await datasets.GetSetupAsync(claim.Episode, stoppingToken);
                    var parent = await traceContexts.GetParentAsync(claim.Episode, stoppingToken);
                    var grain = new EpisodeGrain(claim, setup, store, policies, judge, time, instruments, parent);
                    var status = await grain.RunAsync(stoppingToken);
                    finished = status;
                    failed = status == EpisodeStatus.Failed;
                    break;
                }
                catch (Exception ex) when (IsTransient(ex) && !stoppingToken.IsCancellationRequested)
                {
                    LogTransient(logger, ex, claim.Episode.Id);
                    await Task.Delay(backoff, time, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
        catch (StaleEpochException ex)
        {
            dropped = true;
            LogDropped(logger, claim.Episode.Id, ex.Epoch);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            dropped = true;
            await ReleaseQuietlyAsync(claim.Lease);
        }
        catch (Exception ex)
        {
            failed = true;
            finished = EpisodeStatus.Failed;
            LogEpisodeFailed(logger, ex, claim.Episode.Id);
            await FailQuietlyAsync(claim, ex, stoppingToken);
        }
        finally
        {
            statistics.OnFinished(failed, dropped);
            if (finished is { } end)
            {
                instruments.EpisodeFinished(claim.Episode, end);
            }
            _activations.TryRemove(claim.Episode.Id, out _);
            signal.Set();
        }
    }

    internal static bool IsTransient(Exception ex) => TransientStoreErrors.IsTransient(ex);

    private async Task FailQuietlyAsync(ClaimedEpisode claim, Exception error, CancellationToken stoppingToken)
    {
        try
        {
            var completion = new EpisodeCompletion(
                EpisodeStatus.Failed, null, null, $"{error.GetType().Name}: {error.Message}", time.GetUtcNow());
            await store.CompleteEpisodeAsync(claim.Lease, completion, stoppingToken);
        }
        catch (Exception ex) when (ex is StaleEpochException or OperationCanceledException)
        {
            // Someone else owns it now, or we are stopping: the next owner decides.
        }
    }

    private async Task ReleaseQuietlyAsync(Lease lease)
    {
        try
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(logger, ex, lease.Key);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Silo {SiloId} plays up to {Max} episodes at once")]
    private static partial void LogStarted(ILogger logger, string siloId, int max);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Silo {SiloId} stopped playing episodes; in-flight leases released")]
    private static partial void LogStopped(ILogger logger, string siloId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Silo {SiloId} could not claim episodes; will retry")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Episode {EpisodeId} was taken over by another silo (our epoch {Epoch} is stale); activation dropped")]
    private static partial void LogDropped(ILogger logger, string episodeId, long epoch);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Episode {EpisodeId} failed")]
    private static partial void LogEpisodeFailed(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Episode {EpisodeId} hit a transient store failure; retrying in place")]
    private static partial void LogTransient(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Could not release the lease of {Key} on shutdown; it will expire")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string key);
}
