using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Tests.Fakes;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Grains.Tests;

/// <summary>A campaign's budget in front of its episodes' model calls, on a fake clock: spending at the limit pauses
/// the campaign and holds its calls, which look at the campaign once per poll interval and go on when it runs again
/// with room left; this silo's own calls count at once; a cancelled campaign's calls fail.</summary>
public sealed class LlmBudgetGateTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private readonly TimerWatchingTimeProvider _time = new(Start);
    private readonly InMemorySotopiaStore _store = new(SotopiaDataset.Empty);
    private readonly RecordingCampaignControl _control;
    private readonly LlmBudgetGate _gate;

    public LlmBudgetGateTests()
    {
        _control = new RecordingCampaignControl(_store);
        var settings = new LlmSettings { Roles = System.Collections.Immutable.ImmutableDictionary<string, LlmRoleSettings>.Empty, BudgetPollInterval = TimeSpan.FromSeconds(1) };
        _gate = new LlmBudgetGate(_store, _control, settings, _time, NullLogger<LlmBudgetGate>.Instance);
    }

    [Fact]
    public async Task SpendingAtTheLimitPausesTheCampaignAndHoldsItsCallsUntilItRunsWithRoomLeft()
    {
        await CampaignAsync(CampaignStatus.Running, maxTokens: 1_000);
        await EpisodeWithTurnAsync(promptTokens: 1_000, completionTokens: 200);
        using var stop = new CancellationTokenSource();

        var held = _gate.WaitAsync("e-1", stop.Token).AsTask();

        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.False(held.IsCompleted, "a call of a campaign over its budget must wait");
        Assert.Equal(["c-1"], _control.Paused);
        Assert.Equal(CampaignStatus.Paused, (await _store.GetCampaignAsync("c-1"))!.Status);

        // Still paused a poll interval later: it keeps waiting and does not pause the campaign again.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.False(held.IsCompleted, "a call of a paused campaign must wait");
        Assert.Single(_control.Paused);

        // An operator raises the budget and resumes: at the next poll the call goes on, the spending read again.
        await CampaignAsync(CampaignStatus.Running, maxTokens: 5_000);
        _time.Advance(TimeSpan.FromSeconds(1));
        await held.WaitAsync(Bounded);
        Assert.Equal(1_200, _gate.Spending("c-1")!.Value.Tokens);

        // This silo's calls count at once: 3,900 more tokens reach the new limit, and the next call pauses it again.
        _gate.Record("e-1", new CallUsage("sim-expert", 3_000, 900, 0, TimeSpan.FromSeconds(2)));
        var next = _gate.WaitAsync("e-1", stop.Token).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(1), await NextTimerAsync());
        Assert.Equal(["c-1", "c-1"], _control.Paused);
        Assert.Equal(5_100, _gate.Spending("c-1")!.Value.Tokens);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Bounded));
    }

    [Fact]
    public async Task ACampaignWithoutABudgetNeverWaits()
    {
        await CampaignAsync(CampaignStatus.Running, maxTokens: null);
        await EpisodeWithTurnAsync(promptTokens: 1_000_000, completionTokens: 1_000_000);

        var call = _gate.WaitAsync("e-1", CancellationToken.None).AsTask();

        Assert.True(call.IsCompletedSuccessfully);
        Assert.Empty(_control.Paused);
        Assert.False(_time.Timers.TryRead(out _), "no wait may be scheduled");
    }

    [Fact]
    public async Task ACancelledCampaignsCallsFail()
    {
        await CampaignAsync(CampaignStatus.Cancelled, maxTokens: 1_000);
        await EpisodeWithTurnAsync(promptTokens: 10, completionTokens: 10);

        var error = await Assert.ThrowsAsync<LlmCallException>(() => _gate.WaitAsync("e-1", CancellationToken.None).AsTask());

        Assert.Equal("Campaign c-1 is cancelled; no more model calls are made for it.", error.Message);
    }

    private async Task<TimeSpan> NextTimerAsync() => await _time.Timers.ReadAsync().AsTask().WaitAsync(Bounded);

    private Task CampaignAsync(CampaignStatus status, long? maxTokens) =>
        _store.SaveCampaignAsync(new CampaignRecord
        {
            Id = "c-1",
            Spec = new CampaignSpec { Budget = maxTokens is null ? CampaignBudget.Unlimited : new CampaignBudget { MaxTokens = maxTokens } },
            Status = status,
        });

    private async Task EpisodeWithTurnAsync(int promptTokens, int completionTokens)
    {
        var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");
        await _store.CreateEpisodesAsync([new EpisodeRecord
        {
            Id = "e-1",
            CampaignId = "c-1",
            Round = 0,
            Phase = "bc",
            TaskId = "t-1",
            ScenarioId = "s-1",
            Agent1Id = "a",
            Agent2Id = "b",
            Seats = [expert, expert],
            Seed = 1,
            CreatedAt = Start,
        }]);
        var begun = await _store.BeginEpisodeAsync("e-1");
        await _store.AppendTurnAsync(begun!.Fence!, new Turn("e-1", 0, 0, AgentAction.Speak("hello"), Usage: new CallUsage("sim-expert", promptTokens, completionTokens, 0, TimeSpan.FromSeconds(1))));
    }
}
