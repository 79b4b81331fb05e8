using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime.Placement;
using Orleans.Storage;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Grains.Campaigns;

/// <summary>Drives one campaign (key: campaign id). Its record is Orleans state written with an ETag (a stale
/// activation's write is refused and it deactivates) and mirrored, revision-guarded, into the project store for
/// users to read. One pump, on a grain timer, does the work: it keeps every silo's capacity of the current round's
/// episodes in flight (starting <see cref="IEpisodeGrain"/>s, each placed on the silo with the most free slots),
/// advances the campaign
/// through <see cref="CampaignDriver"/> when a round's episodes have all ended, hands training requests to the
/// training queue and waits for them. Calls (episode reports, operator actions) only record and wake the pump; the
/// grain is reentrant but single-threaded, and all state writes go through one gate. Each pump tick does what can be
/// done now and returns (a wake-up moves the next tick to now): a tick never waits, because Orleans deactivates a
/// grain only between its running requests, timer ticks included. A reminder re-activates a
/// running campaign whose silo died; a sweep after a silo leaves (and now and then) starts again every episode in
/// flight, so episodes of a dead silo resume elsewhere.</summary>
[Reentrant]
internal sealed partial class CampaignGrain(
    [PersistentState("campaign", StorageNames.Sotopia)] IPersistentState<CampaignGrainState> state,
    ISotopiaStore store,
    IArtifactStore artifacts,
    IPolicyVersions policies,
    CampaignModels models,
    IEpisodeCapacity capacity,
    IOptions<CampaignOptions> options,
    TimeProvider time,
    SiloStopping siloStopping,
    SotopiaInstruments instruments,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    private const string ReminderName = "drive";

    /// <summary>How often the pump looks when nothing woke it (sweeps, training checks and pauses are timed on top).</summary>
    private static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly EpisodeDispatch _dispatch = new();
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private CampaignDriver? _driver;
    private IGrainTimer? _pump;
    private bool _sweepRequested;
    private bool _projectionStale;
    private string? _enqueuedRequest;
    private DateTimeOffset _nextSweep;
    private DateTimeOffset _nextTrainingCheck;

    private string Id => this.GetPrimaryKeyString();

    private CampaignRecord? Campaign => state.State.Campaign;

    private CampaignDriver Driver => _driver ??= new CampaignDriver(Id, store, artifacts, policies, models, time, logger, instruments);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Campaign is { } campaign && !IsEnded(campaign.Status))
        {
            StartPump();
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _pump?.Dispose();
        _driver?.Dispose();
        if (Campaign is { } campaign)
        {
            instruments.CampaignReleased(campaign.Id);
        }
    }

    public async Task<CampaignRecord> CreateAsync(CampaignRecord campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        if (campaign.Id != Id)
        {
            throw new ArgumentException($"The campaign's id '{campaign.Id}' is not this grain's key '{Id}'.", nameof(campaign));
        }
        CampaignRecord created;
        await _saveGate.WaitAsync();
        try
        {
            if (Campaign is not null)
            {
                throw new CampaignConflictException($"Campaign '{Id}' already exists.");
            }
            created = campaign with { Revision = 1, Status = CampaignStatus.Running, Stage = 0, Step = "start", UpdatedAt = time.GetUtcNow() };
            state.State = new CampaignGrainState { Campaign = created };
            await state.WriteStateAsync();
            await WriteProjectionAsync(created);
        }
        finally
        {
            _saveGate.Release();
        }
        await this.RegisterOrUpdateReminder(ReminderName, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        LogCreated(logger, Id, campaign.Spec.Mode.ToString());
        StartPump();
        return created;
    }

    public Task<CampaignRecord?> GetAsync() => Task.FromResult(Campaign);

    public async Task<CampaignRecord> SetStatusAsync(CampaignStatus status)
    {
        if (status is not (CampaignStatus.Running or CampaignStatus.Paused or CampaignStatus.Cancelled))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An operator can pause, resume (running) or cancel a campaign.");
        }
        var current = Campaign ?? throw new CampaignConflictException($"Campaign '{Id}' does not exist.", notFound: true);
        if (IsEnded(current.Status))
        {
            throw new CampaignConflictException($"Campaign '{Id}' has ended ({current.Status.ToString().ToLowerInvariant()}).");
        }
        if (current.Status == status)
        {
            return current;
        }
        var changed = await ChangeAsync(c => IsEnded(c.Status) ? c : c with { Status = status });
        if (changed.Status == CampaignStatus.Cancelled)
        {
            var cancelled = await store.CancelEpisodesAsync(Id);
            _dispatch.Clear();
            LogCancelled(logger, Id, cancelled);
        }
        else
        {
            LogStatusChanged(logger, Id, changed.Status.ToString());
        }
        Wake();
        return changed;
    }

    public async Task<CampaignRecord> SetBudgetAsync(CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var current = Campaign ?? throw new CampaignConflictException($"Campaign '{Id}' does not exist.", notFound: true);
        if (IsEnded(current.Status))
        {
            throw new CampaignConflictException($"Campaign '{Id}' has ended ({current.Status.ToString().ToLowerInvariant()}).");
        }
        var changed = await ChangeAsync(c => c with { Spec = c.Spec with { Budget = budget } });
        Wake();
        return changed;
    }

    public Task EpisodeEndedAsync(string episodeId, bool interrupted)
    {
        var known = interrupted ? _dispatch.Interrupted(episodeId) : _dispatch.Ended(episodeId);
        if (known)
        {
            Wake();
        }
        return Task.CompletedTask;
    }

    public Task TrainingChangedAsync(string requestId)
    {
        _nextTrainingCheck = DateTimeOffset.MinValue;
        Wake();
        return Task.CompletedTask;
    }

    public Task WakeAsync()
    {
        if (Campaign is { } campaign && !IsEnded(campaign.Status))
        {
            _sweepRequested = true;
            StartPump();
            Wake();
        }
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => WakeAsync();

    private void StartPump() =>
        _pump ??= this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(TimeSpan.Zero, IdleTick) { Interleave = true, KeepAlive = true });

    /// <summary>The next pump tick runs now (after the current one, if one runs).</summary>
    private void Wake() => _pump?.Change(TimeSpan.Zero, IdleTick);

    /// <summary>The next pump tick runs after <paramref name="delay"/> unless something wakes it earlier.</summary>
    private void TickAfter(TimeSpan delay) =>
        _pump?.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay < IdleTick ? delay : IdleTick, IdleTick);

    private async Task PumpAsync(CancellationToken timerToken)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(timerToken, _stopping.Token, siloStopping.Token);
        try
        {
            await PumpOnceAsync(tick.Token);
        }
        catch (OperationCanceledException) when (tick.IsCancellationRequested)
        {
            // Deactivating or the silo stops.
        }
        catch (InconsistentStateException ex)
        {
            // Another activation of this campaign wrote its state since this one read it (this silo was frozen or
            // cut off): this activation is stale. It stops; the current one drives the campaign.
            LogStale(logger, Id, ex.Message);
            _pump?.Dispose();
            _pump = null;
            DeactivateOnIdle();
        }
        catch (Exception ex)
        {
            // The next tick (at the idle period) tries again.
            LogPumpFailed(logger, ex, Id);
        }
    }

    /// <summary>One tick: advances the campaign as far as it can go now, then returns (scheduling the next tick when
    /// something is due before the idle period).</summary>
    private async Task PumpOnceAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var campaign = Campaign;
            if (campaign is null)
            {
                return;
            }
            if (_projectionStale)
            {
                await WriteProjectionAsync(campaign);
            }
            if (IsEnded(campaign.Status))
            {
                await EndAsync(campaign);
                return;
            }
            if (campaign.Status == CampaignStatus.Paused)
            {
                return;
            }
            if (campaign.Step == "playing" && !await PlayRoundAsync(campaign, ct))
            {
                return;
            }
            if (campaign.Step == "training")
            {
                await EnqueueTrainingAsync(campaign);
                if (time.GetUtcNow() < _nextTrainingCheck)
                {
                    TickAfter(_nextTrainingCheck - time.GetUtcNow());
                    return;
                }
                _nextTrainingCheck = time.GetUtcNow() + options.Value.TrainingCheckInterval;
            }

            var next = await Driver.StepAsync(campaign, ct);
            if (next is not null)
            {
                if (await TrySaveStepAsync(campaign, next) && (next.Stage != campaign.Stage || next.Step != campaign.Step))
                {
                    _dispatch.Clear();
                    _nextTrainingCheck = DateTimeOffset.MinValue;
                    LogStep(logger, Id, next.Stage, next.Step, next.Status.ToString());
                }
                continue;
            }
            if (campaign.Step == "playing")
            {
                // Every episode it knew of ended, yet the store still lists unfinished ones (reported out of order):
                // read them again shortly.
                _dispatch.Clear();
                TickAfter(RetryPause);
            }
            return;
        }
    }

    /// <summary>Keeps the round's episodes in flight up to every silo's capacity. Returns true once none is left
    /// to start or in flight (the round may be done), false while episodes play (an ending one wakes the pump).</summary>
    private async Task<bool> PlayRoundAsync(CampaignRecord campaign, CancellationToken ct)
    {
        if (_dispatch.Round != campaign.Stage)
        {
            _dispatch.Load(campaign.Stage, await store.ListUnfinishedEpisodeIdsAsync(Id, campaign.Stage, ct));
            _nextSweep = time.GetUtcNow() + options.Value.SweepInterval;
        }
        if (_sweepRequested || time.GetUtcNow() >= _nextSweep)
        {
            _sweepRequested = false;
            _nextSweep = time.GetUtcNow() + options.Value.SweepInterval;
            await StartEpisodesAsync([.. _dispatch.InFlight.Select(e => (e.Key, e.Value))], campaign, ct);
        }
        var failed = await StartEpisodesAsync(_dispatch.TakeStartable(capacity.Silos), campaign, ct);
        instruments.CampaignQueueObserved(Id, _dispatch.Waiting);
        if (_dispatch.IsIdle)
        {
            return true;
        }
        TickAfter(failed > 0 ? RetryPause : _nextSweep - time.GetUtcNow());
        return false;
    }

    /// <summary>Starts episodes, each on the silo the dispatch chose for it (Orleans' placement hint: an episode grain
    /// that is already active stays where it is), at most <see cref="CampaignOptions.StartParallelism"/> calls at
    /// once; one that could not be started goes back to the queue. Returns how many failed.</summary>
    private async Task<int> StartEpisodesAsync(IReadOnlyList<(string EpisodeId, string Silo)> episodes, CampaignRecord campaign, CancellationToken ct)
    {
        var failed = 0;
        foreach (var batch in episodes.Chunk(Math.Max(1, options.Value.StartParallelism)))
        {
            var calls = new List<(string Id, Task Call)>(batch.Length);
            foreach (var (episodeId, silo) in batch)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, SiloAddress.FromParsableString(silo));
                try
                {
                    calls.Add((episodeId, GrainFactory.GetGrain<IEpisodeGrain>(episodeId).StartAsync(Id, campaign.StageTraceParent)));
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }
            }
            foreach (var (episodeId, call) in calls)
            {
                try
                {
                    await call;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failed++;
                    _dispatch.Interrupted(episodeId);
                    LogStartFailed(logger, ex, Id, episodeId);
                }
            }
        }
        return failed;
    }

    private async Task EnqueueTrainingAsync(CampaignRecord campaign)
    {
        var requestId = campaign.Rounds.LastOrDefault()?.TrainingRequestId;
        if (requestId is null || requestId == _enqueuedRequest)
        {
            return;
        }
        await GrainFactory.GetGrain<ITrainingQueueGrain>(TrainingQueue.Default).EnqueueAsync(requestId);
        _enqueuedRequest = requestId;
    }

    private async Task EndAsync(CampaignRecord campaign)
    {
        _dispatch.Clear();
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
        instruments.CampaignReleased(campaign.Id);
        _driver?.Dispose();
        _driver = null;
        _pump?.Dispose();
        _pump = null;
        LogEnded(logger, Id, campaign.Status.ToString());
    }

    /// <summary>Stores the driver's step unless the campaign changed meanwhile (an operator paused or cancelled it):
    /// then the pump looks again (every step is idempotent).</summary>
    private async Task<bool> TrySaveStepAsync(CampaignRecord basis, CampaignRecord next)
    {
        await _saveGate.WaitAsync();
        try
        {
            if (Campaign?.Revision != basis.Revision)
            {
                return false;
            }
            await WriteAsync(next with { Revision = basis.Revision + 1 });
            return true;
        }
        finally
        {
            _saveGate.Release();
        }
    }

    private async Task<CampaignRecord> ChangeAsync(Func<CampaignRecord, CampaignRecord> change)
    {
        await _saveGate.WaitAsync();
        try
        {
            var current = Campaign ?? throw new CampaignConflictException($"Campaign '{Id}' does not exist.", notFound: true);
            return await WriteAsync(change(current) with { Revision = current.Revision + 1 });
        }
        finally
        {
            _saveGate.Release();
        }
    }

    private async Task<CampaignRecord> WriteAsync(CampaignRecord next)
    {
        var stored = next with { UpdatedAt = time.GetUtcNow() };
        var previous = state.State;
        state.State = new CampaignGrainState { Campaign = stored };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
        await WriteProjectionAsync(stored);
        return stored;
    }

    /// <summary>Mirrors the record into the project store; on failure the pump tries again.</summary>
    private async Task WriteProjectionAsync(CampaignRecord campaign)
    {
        try
        {
            await store.SaveCampaignAsync(campaign);
            _projectionStale = false;
        }
        catch (Exception ex) when (TransientStoreErrors.IsTransient(ex))
        {
            _projectionStale = true;
            LogProjectionFailed(logger, ex, Id);
        }
    }

    private static bool IsEnded(CampaignStatus status) =>
        status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled;

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Campaign {CampaignId} created ({Mode})")]
    private static partial void LogCreated(ILogger logger, string campaignId, string mode);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Campaign {CampaignId} is now {Status}")]
    private static partial void LogStatusChanged(ILogger logger, string campaignId, string status);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Campaign {CampaignId} cancelled ({Episodes} unfinished episodes cancelled)")]
    private static partial void LogCancelled(ILogger logger, string campaignId, int episodes);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Campaign {CampaignId} at stage {Stage}, step {Step} ({Status})")]
    private static partial void LogStep(ILogger logger, string campaignId, int stage, string step, string status);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Campaign {CampaignId} could not start episode {EpisodeId}; it will try again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string campaignId, string episodeId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Error, Message = "Campaign {CampaignId}: its pump stopped on an error and restarts shortly")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string campaignId);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: the store's copy could not be updated; will retry")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, string campaignId);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: this activation is stale and stops ({Reason})")]
    private static partial void LogStale(ILogger logger, string campaignId, string reason);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "Campaign {CampaignId} ended: {Status}")]
    private static partial void LogEnded(ILogger logger, string campaignId, string status);
}
