using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Grains.Tests.Fakes;

namespace SotopiaPi.Grains.Tests;

/// <summary>The budget gate on its own, with a fake clock and an in-memory store: each call reserves its estimate
/// (prompt tokens + answer limit, priced) before it is made, and calls that would pass the budget wait or pause the
/// campaign, which holds its calls (looking at it once per poll interval) until it runs again with room left; a
/// cancelled campaign's calls fail. Model calls are tasks held in flight by <see cref="TaskCompletionSource"/>s.</summary>
public sealed class LlmBudgetGateTests
{
    private const string Model = "m";
    private const string CampaignId = "c1";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // $1 per million prompt tokens, $2 per million answer tokens: an estimate of 100 prompt + 50 answer tokens costs
    // $0.0002; an actual answer of 20 tokens makes the call cost $0.00014.
    private static readonly ModelPrice Price = new() { InputPerMillion = 1m, OutputPerMillion = 2m };
    private static readonly ImmutableDictionary<string, ModelPrice> Prices = ImmutableDictionary<string, ModelPrice>.Empty.Add(Model, Price);
    private const decimal EstimateUsd = 0.0002m;
    private const decimal ActualUsd = 0.00014m;

    private readonly TimerWatchingTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeStore _store = new();

    [Fact]
    public async Task AnAdmittedCallReservesItsEstimateAndCompletionReplacesItWithTheActualUsage()
    {
        var gate = Gate(new CampaignBudget { MaxTokens = 1_000, Prices = Prices });

        var reservation = await gate.ReserveAsync("e1", Model, promptTokens: 100, answerLimit: 50, CancellationToken.None);

        Assert.Equal(150, reservation.Tokens);
        Assert.Equal(EstimateUsd, reservation.CostUsd);
        Assert.Equal(new BudgetLedgerState(0, 0m, 1, 150, EstimateUsd), gate.State(CampaignId));
        reservation.Complete(new CallUsage(Model, 100, 20, 0, TimeSpan.Zero));
        reservation.Dispose();
        Assert.Equal(new BudgetLedgerState(120, ActualUsd, 0, 0, 0m), gate.State(CampaignId));
    }

    [Fact]
    public async Task AFailedCallReleasesItsReservationAndACallWaitingForRoomIsAdmitted()
    {
        var gate = Gate(new CampaignBudget { MaxTokens = 200, Prices = Prices });
        var first = await gate.ReserveAsync("e1", Model, 100, 50, CancellationToken.None);

        var second = gate.ReserveAsync("e2", Model, 100, 50, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted, "a call was admitted although spent + reserved + its estimate (300 tokens) passes the budget of 200");
        first.Dispose();
        var admitted = await Bounded(second, Bound, "the waiting call to be admitted once the failed call released its reservation");

        Assert.Equal(new BudgetLedgerState(0, 0m, 1, 150, EstimateUsd), gate.State(CampaignId));
        Assert.Empty(_store.Pauses);
        admitted.Dispose();
    }

    [Fact]
    public async Task ACampaignWhoseBudgetIsTooSmallForOneCallPausesWithoutAdmittingIt()
    {
        var gate = Gate(new CampaignBudget { MaxCostUsd = 0.0001m, Prices = Prices });
        using var cancel = new CancellationTokenSource();

        var call = gate.ReserveAsync("e1", Model, 100, 50, cancel.Token).AsTask();
        await Bounded(_store.Paused.Task, Bound, "the campaign to be paused");

        Assert.False(call.IsCompleted, "the call was admitted although its estimate ($0.0002) passes the budget ($0.0001)");
        Assert.Equal([CampaignId], _store.Pauses);
        Assert.Equal(new BudgetLedgerState(0, 0m, 0, 0, 0m), gate.State(CampaignId));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task StoredSpendingCountsAndACallThatWouldPassTheRestPausesTheCampaign()
    {
        _store.AddFinishedEpisode("old", new CallUsage(Model, 800, 100, 0, TimeSpan.Zero));
        var gate = Gate(new CampaignBudget { MaxTokens = 1_000, Prices = Prices });
        using var cancel = new CancellationTokenSource();

        var call = gate.ReserveAsync("e1", Model, 100, 50, cancel.Token).AsTask();
        await Bounded(_store.Paused.Task, Bound, "the campaign to be paused");

        Assert.False(call.IsCompleted, "900 tokens spent + an estimate of 150 passes 1,000, yet the call was admitted");
        Assert.Equal(900, gate.State(CampaignId)!.SpentTokens);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    /// <summary>50 calls at once against a budget worth 10 estimates: 10 are admitted while the others wait; as the
    /// admitted ones come back below their estimates, waiting calls take the room, until less than one estimate is
    /// left with nothing in flight: then the campaign pauses and the rest never call the model.</summary>
    [Fact]
    public async Task FiftyConcurrentCallsNeverSpendMoreThanTheBudget()
    {
        const decimal budgetUsd = 10 * EstimateUsd;
        var gate = Gate(new CampaignBudget { MaxCostUsd = budgetUsd, Prices = Prices });
        using var cancel = new CancellationTokenSource();
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var modelCalls = 0;
        var maxInFlight = 0;
        var inFlight = 0;

        async Task<bool> CallAsync(int i)
        {
            BudgetReservation reservation;
            try
            {
                reservation = await gate.ReserveAsync($"e{i}", Model, 100, 50, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            using (reservation)
            {
                Interlocked.Increment(ref modelCalls);
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxInFlight, now);
                await answer.Task;
                Interlocked.Decrement(ref inFlight);
                reservation.Complete(new CallUsage(Model, 100, 20, 0, TimeSpan.Zero));
            }
            return true;
        }

        var calls = Enumerable.Range(0, 50).Select(CallAsync).ToList();

        Assert.Equal(10, Volatile.Read(ref modelCalls));
        Assert.Equal(new BudgetLedgerState(0, 0m, 10, 1_500, budgetUsd), gate.State(CampaignId));
        answer.SetResult();
        await Bounded(_store.Paused.Task, Bound, "the campaign to pause once less than one call's estimate was left",
            () => $"{Volatile.Read(ref modelCalls)} model calls, ledger {gate.State(CampaignId)}");
        await cancel.CancelAsync();
        var made = await Bounded(Task.WhenAll(calls), Bound, "every call to end (made, or cancelled while the campaign is paused)");

        // Each call costs $0.00014: 13 of them leave $0.00018, less than the next estimate of $0.0002.
        var state = gate.State(CampaignId)!;
        Assert.Equal(13, made.Count(m => m));
        Assert.Equal(13, Volatile.Read(ref modelCalls));
        Assert.Equal(13 * ActualUsd, state.SpentCostUsd);
        Assert.True(state.SpentCostUsd <= budgetUsd, $"spent ${state.SpentCostUsd}, budget ${budgetUsd}");
        Assert.True(budgetUsd - state.SpentCostUsd < EstimateUsd, "the gate paused while another call's estimate still fitted");
        Assert.Equal((0, 0L, 0m), (state.CallsInFlight, state.ReservedTokens, state.ReservedCostUsd));
        Assert.InRange(Volatile.Read(ref maxInFlight), 1, 10);
        Assert.Equal([CampaignId], _store.Pauses);
    }

    /// <summary>When answers use more than their estimate (a model ignoring its limit), the overshoot is at most what
    /// the calls in flight used: once the spending has reached the limit no further call is admitted.</summary>
    [Fact]
    public async Task AnswersLongerThanTheirEstimateOvershootByNoMoreThanTheCallsInFlight()
    {
        var gate = Gate(new CampaignBudget { MaxTokens = 1_000, Prices = Prices });
        using var cancel = new CancellationTokenSource();
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var modelCalls = 0;

        async Task CallAsync(int i)
        {
            using var reservation = await gate.ReserveAsync($"e{i}", Model, 50, 50, cancel.Token);
            Interlocked.Increment(ref modelCalls);
            await answer.Task;
            reservation.Complete(new CallUsage(Model, 50, 250, 0, TimeSpan.Zero));
        }

        var calls = Enumerable.Range(0, 30).Select(CallAsync).ToList();
        Assert.Equal(10, Volatile.Read(ref modelCalls));
        answer.SetResult();
        await Bounded(_store.Paused.Task, Bound, "the campaign to pause once the spending passed the limit");
        await cancel.CancelAsync();
        await Bounded(Task.WhenAll(calls.Select(c => c.ContinueWith(_ => 0, TaskScheduler.Default))), Bound, "every call to end");

        Assert.Equal(10, Volatile.Read(ref modelCalls));
        Assert.Equal(3_000, gate.State(CampaignId)!.SpentTokens);
        Assert.Equal(20, calls.Count(c => c.IsCanceled));
    }

    [Fact]
    public async Task SpendingAtTheLimitPausesTheCampaignAndHoldsItsCallsUntilItRunsWithRoomLeft()
    {
        _store.AddFinishedEpisode("old", new CallUsage(Model, 1_000, 200, 0, TimeSpan.Zero));
        var gate = Gate(new CampaignBudget { MaxTokens = 1_000, Prices = Prices });
        using var stop = new CancellationTokenSource();

        var held = gate.ReserveAsync("e1", Model, 100, 50, stop.Token).AsTask();

        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.False(held.IsCompleted, "a call of a campaign over its budget must wait");
        Assert.Equal([CampaignId], _store.Pauses);
        Assert.Equal(CampaignStatus.Paused, _store.Campaign!.Status);

        // Still paused a poll interval later: it keeps waiting and does not pause the campaign again.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.False(held.IsCompleted, "a call of a paused campaign must wait");
        Assert.Single(_store.Pauses);

        // An operator raises the budget and resumes: at the next poll the call goes on, the spending read again.
        _store.Campaign = _store.Campaign with { Status = CampaignStatus.Running, Spec = _store.Campaign.Spec with { Budget = new CampaignBudget { MaxTokens = 5_000, Prices = Prices } } };
        _time.Advance(TimeSpan.FromSeconds(1));
        var reservation = await Bounded(held, Bound, "the held call to go on once the campaign runs with room left");
        Assert.Equal(1_200, gate.State(CampaignId)!.SpentTokens);

        // This silo's calls count at once: 3,900 more tokens reach the new limit, and the next call pauses it again.
        reservation.Complete(new CallUsage(Model, 3_000, 900, 0, TimeSpan.FromSeconds(2)));
        var next = gate.ReserveAsync("e1", Model, 100, 50, stop.Token).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.Equal([CampaignId, CampaignId], _store.Pauses);
        Assert.Equal(5_100, gate.State(CampaignId)!.SpentTokens);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(next, Bound, "the cancelled call to end"));
    }

    [Fact]
    public async Task ACampaignWithoutABudgetNeverWaits()
    {
        _store.AddFinishedEpisode("old", new CallUsage(Model, 1_000_000, 1_000_000, 0, TimeSpan.Zero));
        var gate = Gate(CampaignBudget.Unlimited);

        var call = gate.ReserveAsync("e1", Model, 100, 50, CancellationToken.None).AsTask();

        Assert.True(call.IsCompletedSuccessfully);
        Assert.Empty(_store.Pauses);
        Assert.False(_time.Timers.TryRead(out _), "no wait may be scheduled");
        (await call).Dispose();
    }

    [Fact]
    public async Task ACancelledCampaignsCallsFail()
    {
        var gate = Gate(new CampaignBudget { MaxTokens = 1_000 });
        _store.Campaign = _store.Campaign! with { Status = CampaignStatus.Cancelled };

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gate.ReserveAsync("e1", Model, 100, 50, CancellationToken.None).AsTask());

        Assert.Equal("Campaign c1 is cancelled; no more model calls are made for it.", error.Message);
        Assert.Equal(0, gate.State(CampaignId)!.CallsInFlight);
    }

    private LlmBudgetGate Gate(CampaignBudget budget)
    {
        _store.Campaign = new CampaignRecord
        {
            Id = CampaignId,
            Spec = new CampaignSpec { Name = "budget", Mode = CampaignMode.Eval, Backend = "llm", Budget = budget },
        };
        var settings = new LlmSettings
        {
            Roles = ImmutableDictionary<string, LlmRoleSettings>.Empty,
            BudgetRefreshInterval = TimeSpan.FromMinutes(1),
            BudgetPollInterval = TimeSpan.FromSeconds(1),
        };
        return new LlmBudgetGate(_store, _store, _store, settings, _time, NullLogger<LlmBudgetGate>.Instance);
    }

    private async Task<TimeSpan> NextTimerAsync() => await Bounded(_time.Timers.ReadAsync().AsTask(), Bound, "the gate to wait on the clock");

    /// <summary>A bounded wait that names what it waited for.</summary>
    private static async Task<T> Bounded<T>(Task<T> task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; it did not happen.{(seen is null ? "" : " Seen meanwhile: " + seen())}");
        }
    }

    private static Task Bounded(Task task, TimeSpan timeout, string what, Func<string>? seen = null) =>
        Bounded(Ended(task), timeout, what, seen);

    private static async Task<bool> Ended(Task task)
    {
        await task;
        return true;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>One campaign's records in memory: every episode id belongs to <see cref="CampaignId"/>; pausing sets its
    /// status. Only what the gate reads is implemented.</summary>
    private sealed class FakeStore : IEpisodeStore, ICampaignStore, ICampaignControl
    {
        private readonly ConcurrentDictionary<string, (EpisodeRecord Episode, ImmutableArray<Turn> Turns)> _finished = new(StringComparer.Ordinal);

        public CampaignRecord? Campaign { get; set; }

        public ConcurrentQueue<string> Pauses { get; } = new();

        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void AddFinishedEpisode(string id, CallUsage usage) =>
            _finished[id] = (Episode(id) with { Status = EpisodeStatus.Completed }, [new Turn(id, 1, 0, AgentAction.Speak("hi"), Usage: usage)]);

        public Task PauseAsync(string campaignId, CancellationToken cancellationToken)
        {
            Pauses.Enqueue(campaignId);
            Campaign = Campaign! with { Status = CampaignStatus.Paused };
            Paused.TrySetResult();
            return Task.CompletedTask;
        }

        public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
            Task.FromResult(campaignId == Campaign?.Id ? Campaign : null);

        public Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) =>
            Task.FromResult<EpisodeRecord?>(Episode(episodeId));

        public Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<EpisodeRecord>>(query.CampaignId == CampaignId
                ? [.. _finished.Values.Select(f => f.Episode).OrderBy(e => e.Id, StringComparer.Ordinal).Skip(query.Offset).Take(query.Limit ?? int.MaxValue)]
                : []);

        public Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default) =>
            Task.FromResult(_finished.TryGetValue(episodeId, out var f) ? f.Turns : []);

        public Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<EpisodeReportRow>>(campaignId == CampaignId
                ? [.. _finished.Values.OrderBy(f => f.Episode.Id, StringComparer.Ordinal)
                    .Select(f => EpisodeReportRow.From(f.Episode, f.Turns.Select(t => t.Usage).OfType<CallUsage>()))]
                : []);

        private static EpisodeRecord Episode(string id) => new()
        {
            Id = id,
            CampaignId = CampaignId,
            Round = 0,
            Phase = "eval",
            TaskId = "t",
            ScenarioId = "s",
            Agent1Id = "a1",
            Agent2Id = "a2",
            Seats = [],
            Seed = 1,
        };

        public long StaleWritesRefused => 0;

        public Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
