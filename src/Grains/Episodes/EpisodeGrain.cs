using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using SotopiaPi.Grains.Agents;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Grains.Episodes;

/// <summary>Plays one episode (key: episode id) on a grain timer — never inside one long grain call. It begins the
/// episode in the store (taking the next fence, so any older activation's writes are refused from then on), waits
/// for one of its silo's episode slots, plays the remaining turns through its two agent grains and the
/// <see cref="EpisodeRunner"/>, then tells its campaign. Placed where its campaign asks (a placement hint: the silo
/// with the most free episode slots); by activation count when it is re-activated without one. When its silo
/// shuts down first, it tells the campaign it was interrupted, so the episode resumes at once on another silo.</summary>
[ActivationCountBasedPlacement]
[CollectionAgeLimit(Minutes = 2)]
internal sealed partial class EpisodeGrain(
    IEpisodeStore store,
    EpisodeSetupCache setups,
    IEpisodeJudge judge,
    EpisodeSlots slots,
    TimeProvider time,
    SiloStopping siloStopping,
    SotopiaInstruments instruments,
    LocalAgents localAgents,
    ILogger<EpisodeGrain> logger) : Grain, IEpisodeGrain
{
    private static readonly GrainTimerCreationOptions Once = new(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true };

    private readonly CancellationTokenSource _stopping = new();
    private IGrainTimer? _timer;
    private bool _playing;
    private string? _campaignId;
    private string? _traceParent;

    private string Id => this.GetPrimaryKeyString();

    public Task StartAsync(string campaignId, string? traceParent)
    {
        _campaignId ??= campaignId;
        _traceParent ??= traceParent;
        if (!_playing && !_stopping.IsCancellationRequested)
        {
            _playing = true;
            _timer?.Dispose();
            _timer = this.RegisterGrainTimer(PlayAsync, Once);
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var interrupted = _playing;
        await _stopping.CancelAsync();
        if (interrupted && _campaignId is { } campaignId)
        {
            // The episode did not end here: ask the campaign to start it again (its next activation, on another
            // silo when this one is shutting down, resumes from the last stored turn).
            LogInterrupted(logger, Id, reason.ReasonCode.ToString());
            await TellCampaignAsync(campaignId, interrupted: true, cancellationToken);
        }
        _timer?.Dispose();
        _stopping.Dispose();
    }

    private async Task PlayAsync(CancellationToken timerToken)
    {
        // The play is one timer tick, so Orleans cannot deactivate this grain before it returns: it stops at once when
        // the silo starts to stop (every stored turn stays) and otherwise plays to the end.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timerToken, _stopping.Token, siloStopping.Token);
        var stopping = linked.Token;
        IAgentGrain[]? agents = null;
        try
        {
            using var slot = await slots.AcquireAsync(stopping);
            // Both agents are activated (on this silo, by their placement) while the episode begins in the store. Not
            // before the slot: an episode waiting for one holds no agents.
            agents = [GrainFactory.GetGrain<IAgentGrain>(AgentKey.For(Id, 0)), GrainFactory.GetGrain<IAgentGrain>(AgentKey.For(Id, 1))];
            var joined = JoinQuietlyAsync(agents);
            var begun = await RetryTransientAsync(() => store.BeginEpisodeAsync(Id, stopping), stopping);
            await joined.WaitAsync(stopping);
            if (begun is null)
            {
                LogUnknown(logger, Id);
                _playing = false;
                DeactivateOnIdle();
                return;
            }
            var status = begun.Fence is null ? begun.Episode.Status : await RunAsync(begun, agents, stopping);
            slot.Ended(status == EpisodeStatus.Failed);
            // The episode's end is stored: its slot is free for the next episode before the campaign hears of it.
            slot.Dispose();
            _playing = false;
            await TellCampaignAsync(begun.Episode.CampaignId, interrupted: false, stopping);
            DeactivateOnIdle();
        }
        catch (SeatUnavailableException ex)
        {
            // The runtime could not reach an agent (this silo is shutting down, or a call timed out): nothing was
            // recorded; deactivating tells the campaign the episode was interrupted, and it resumes elsewhere.
            LogSeatUnavailable(logger, Id, ex.InnerException?.Message ?? ex.Message);
            DeactivateOnIdle();
        }
        catch (StaleWriteException ex)
        {
            // A newer activation began the episode (after a crash or a freeze), or its campaign was cancelled.
            _playing = false;
            LogStale(logger, Id, ex.Message);
            DeactivateOnIdle();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Deactivating: OnDeactivateAsync tells the campaign; every stored turn stays.
        }
        catch (Exception ex)
        {
            // The store stayed unreachable, or an outcome could not be recorded: this activation gives up; the
            // campaign starts the episode again and a new activation resumes from the last stored turn.
            LogGaveUp(logger, ex, Id);
            DeactivateOnIdle();
        }
        finally
        {
            if (agents is not null)
            {
                Leave(agents);
            }
        }
    }

    private async Task<EpisodeStatus> RunAsync(EpisodeActivation begun, IAgentGrain[] agents, CancellationToken stopping)
    {
        var episode = begun.Episode;
        try
        {
            var setup = await setups.GetSetupAsync(episode, stopping);
            var seats = new IEpisodeSeat[] { new AgentSeat(agents[0], 0, episode, setup, localAgents), new AgentSeat(agents[1], 1, episode, setup, localAgents) };
            var runner = new EpisodeRunner(store, judge, time, instruments) { Parent = SotopiaActivities.ParseTraceParent(_traceParent) };
            return await runner.RunAsync(begun, setup, seats, stopping);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or StaleWriteException or SeatUnavailableException)
            && !TransientStoreErrors.IsTransient(ex))
        {
            // Not a model failure (the runner records those): the setup or the policy could not be loaded. Record it,
            // never a silent zero score.
            LogFailed(logger, ex, Id);
            var reason = $"{ex.GetType().Name}: {ex.Message}";
            await store.CompleteEpisodeAsync(begun.Fence!, new EpisodeCompletion(EpisodeStatus.Failed, null, null, reason, time.GetUtcNow()), stopping);
            instruments.EpisodeFinished(episode, EpisodeStatus.Failed);
            return EpisodeStatus.Failed;
        }
    }

    private async Task TellCampaignAsync(string campaignId, bool interrupted, CancellationToken cancellationToken)
    {
        try
        {
            await GrainFactory.GetGrain<ICampaignGrain>(campaignId).EpisodeEndedAsync(Id, interrupted).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The campaign re-reads its unfinished episodes from the store when it (re)activates and starts again the
            // ones it has in flight now and then, so a lost report costs time, never an episode.
            LogReportFailed(logger, ex, Id, campaignId);
        }
    }

    private async Task<T> RetryTransientAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (Exception ex) when (TransientStoreErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogTransient(logger, ex, Id);
                await Task.Delay(delay, time, cancellationToken);
                delay = delay * 2 < TimeSpan.FromSeconds(5) ? delay * 2 : TimeSpan.FromSeconds(5);
            }
        }
    }

    /// <summary>Activates both agents; a failure here is not the episode's: the seat's first decision calls the agent
    /// again and reports what it finds.</summary>
    private async Task JoinQuietlyAsync(IAgentGrain[] agents)
    {
        try
        {
            await Task.WhenAll(agents[0].JoinAsync(), agents[1].JoinAsync());
        }
        catch (Exception ex)
        {
            LogJoinFailed(logger, ex, Id);
        }
    }

    /// <summary>Tells both agents the episode ended (one-way calls: the episode does not wait for them).</summary>
    private void Leave(IAgentGrain[] agents)
    {
        foreach (var agent in agents)
        {
            try
            {
                agent.LeaveAsync().Ignore();
            }
            catch (Exception ex)
            {
                LogLeaveFailed(logger, ex, Id);
            }
        }
    }

    /// <summary>A seat as the runner sees it: its agent grain, given every stored turn each time. When the agent is
    /// active on this silo (its placement puts it here; <see cref="JoinQuietlyAsync"/> activated it) and grain calls are
    /// not traced, the seat asks it directly (<see cref="LocalAgents"/>); otherwise through a grain call. A call the runtime could not deliver (or whose answer never came) is
    /// <see cref="SeatUnavailableException"/>; what the agent's policy throws comes through as it is.</summary>
    private sealed class AgentSeat(IAgentGrain agent, int seat, EpisodeRecord episode, EpisodeSetup setup, LocalAgents localAgents) : IEpisodeSeat
    {
        private readonly string _key = AgentKey.For(episode.Id, seat);

        public int Seat => seat;

        public SeatBinding Binding => episode.Seats[seat];

        public ValueTask<AgentDecision> DecideAsync(ImmutableArray<Turn> history, CancellationToken cancellationToken)
        {
            var turn = new AgentTurn(episode.Id, setup, Binding, episode.Seed, history);
            return localAgents.TryGet(_key, out var here) ? here.DecideAsync(turn, cancellationToken) : CallAsync(turn, cancellationToken);
        }

        private async ValueTask<AgentDecision> CallAsync(AgentTurn turn, CancellationToken cancellationToken)
        {
            try
            {
                return await agent.ActAsync(turn, cancellationToken);
            }
            catch (Exception ex) when (ex is OrleansMessageRejectionException or TimeoutException)
            {
                throw new SeatUnavailableException($"Seat {seat} of episode '{episode.Id}' could not be reached: {ex.Message}", ex);
            }
        }
    }

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Episode {EpisodeId} is interrupted: an agent could not be reached ({Reason})")]
    private static partial void LogSeatUnavailable(ILogger logger, string episodeId, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Episode {EpisodeId} does not exist; nothing to play")]
    private static partial void LogUnknown(ILogger logger, string episodeId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Episode {EpisodeId}: this activation stops ({Reason})")]
    private static partial void LogStale(ILogger logger, string episodeId, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Episode {EpisodeId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Episode {EpisodeId} could not report to campaign {CampaignId}; the campaign will start it again")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string episodeId, string campaignId);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Episode {EpisodeId} hit a transient store failure; retrying")]
    private static partial void LogTransient(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Episode {EpisodeId}: an agent could not be told to leave")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Episode {EpisodeId}: an agent could not be activated ahead of its first turn")]
    private static partial void LogJoinFailed(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Error, Message = "Episode {EpisodeId}: this activation gives up; the episode will be started again")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string episodeId);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Episode {EpisodeId} interrupted before its end ({Reason}); its campaign starts it again")]
    private static partial void LogInterrupted(ILogger logger, string episodeId, string reason);
}
