using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Tests.Fakes;
using SotopiaPi.Sotopia.Episodes;

namespace SotopiaPi.Grains.Tests;

/// <summary>The episode grain's logic: turns are stored one by one under the activation's fence, a resumed episode
/// continues from its last stored turn, a stale activation stops at its next write, store failures are retried in
/// place without writing a turn twice, and failures are recorded, never scored.</summary>
public sealed class EpisodeRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryEpisodeStore _store = new();
    private readonly FixedJudge _judge = new();

    /// <summary>Seat 0 speaks until turn 6, where it leaves; seat 1 always speaks.</summary>
    private static AgentAction LeaveAtSix(int turn) => turn == 6 ? AgentAction.Leave : AgentAction.Speak($"line {turn}");

    [Fact]
    public async Task PlaysEveryTurnInOrderThenStoresTheJudgement()
    {
        var begun = await BeginAsync("e-1");
        var seats = Seats(LeaveAtSix);

        var status = await Runner().RunAsync(begun, Setup(), seats, CancellationToken.None);

        Assert.Equal(EpisodeStatus.Completed, status);
        var turns = _store.TurnsOf("e-1");
        Assert.Equal(Enumerable.Range(0, 7), turns.Select(t => t.Number));
        Assert.Equal([0, 1, 0, 1, 0, 1, 0], turns.Select(t => t.Seat));
        Assert.Equal(ActionType.Leave, turns[^1].Action.Type);
        var stored = await _store.GetEpisodeAsync("e-1");
        Assert.Equal(EpisodeStatus.Completed, stored!.Status);
        Assert.Equal(TerminationReason.Agent1Left, stored.Termination);
        Assert.Equal(7, stored.Outcome!.Evaluation!.Agent1.Goal);
        Assert.Equal(7, Assert.Single(_judge.Requests).Turns.Length);
    }

    [Fact]
    public async Task AResumedEpisodeContinuesFromItsLastStoredTurn()
    {
        var first = await BeginAsync("e-1");
        for (var n = 0; n < 3; n++)
        {
            await _store.AppendTurnAsync(first.Fence!, new Turn("e-1", n, n % 2, AgentAction.Speak($"before {n}")));
        }
        var resumed = await _store.BeginEpisodeAsync("e-1");
        var seats = Seats(LeaveAtSix);

        var status = await Runner().RunAsync(resumed!, Setup(), seats, CancellationToken.None);

        Assert.Equal(EpisodeStatus.Completed, status);
        Assert.Equal(2, resumed!.Fence!.Value);
        Assert.Equal([4, 6], ((ScriptedSeat)seats[0]).Asked);
        Assert.Equal([3, 5], ((ScriptedSeat)seats[1]).Asked);
        Assert.Equal(["before 0", "before 1", "before 2", "line 3"], _store.TurnsOf("e-1").Take(4).Select(t => t.Action.Argument));
    }

    [Fact]
    public async Task AStaleActivationStopsAtItsNextWriteAndStoresNothing()
    {
        var stale = await BeginAsync("e-1");
        await _store.BeginEpisodeAsync("e-1"); // a newer activation (after a crash or a freeze) began it

        var error = await Assert.ThrowsAsync<StaleWriteException>(() => Runner().RunAsync(stale, Setup(), Seats(LeaveAtSix), CancellationToken.None));

        Assert.Contains("fence 1", error.Message, StringComparison.Ordinal);
        Assert.Empty(_store.TurnsOf("e-1"));
        Assert.Equal(1, _store.StaleWritesRefused);
        Assert.Empty(_judge.Requests);
    }

    [Fact]
    public async Task ACancelledEpisodesActivationIsRefusedAtItsNextWrite()
    {
        var begun = await BeginAsync("e-1");
        var seats = Seats(turn =>
        {
            if (turn == 2)
            {
                _store.CancelEpisodesAsync("c-1").GetAwaiter().GetResult();
            }
            return AgentAction.Speak($"line {turn}");
        });

        await Assert.ThrowsAsync<StaleWriteException>(() => Runner().RunAsync(begun, Setup(), seats, CancellationToken.None));

        Assert.Equal(2, _store.TurnsOf("e-1").Count);
        Assert.Equal(EpisodeStatus.Cancelled, (await _store.GetEpisodeAsync("e-1"))!.Status);
    }

    [Fact]
    public async Task AStoreOutageIsRetriedInPlaceAfterTheBackoff()
    {
        var begun = await BeginAsync("e-1");
        var failedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.BeforeAppend = turn =>
        {
            if (turn.Number == 2 && failedOnce.TrySetResult())
            {
                throw new TimeoutException("the database did not answer");
            }
        };

        var run = Runner().RunAsync(begun, Setup(), Seats(LeaveAtSix), CancellationToken.None);
        await failedOnce.Task.WaitAsync(Bounded);
        Assert.False(run.IsCompleted, "the runner should wait out its backoff before retrying turn 2");
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var status = await run.WaitAsync(Bounded);

        Assert.Equal(EpisodeStatus.Completed, status);
        Assert.Equal(Enumerable.Range(0, 7), _store.TurnsOf("e-1").Select(t => t.Number));
    }

    [Fact]
    public async Task ATurnWhoseCommitAnswerWasLostIsNotWrittenTwice()
    {
        var begun = await BeginAsync("e-1");
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.AfterAppend = turn =>
        {
            if (turn.Number == 3 && lost.TrySetResult())
            {
                throw new IOException("connection reset after commit");
            }
        };
        var seats = Seats(LeaveAtSix);

        var run = Runner().RunAsync(begun, Setup(), seats, CancellationToken.None);
        await lost.Task.WaitAsync(Bounded);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var status = await run.WaitAsync(Bounded);

        Assert.Equal(EpisodeStatus.Completed, status);
        Assert.Equal(Enumerable.Range(0, 7), _store.TurnsOf("e-1").Select(t => t.Number));
        Assert.Equal([1, 3, 5], ((ScriptedSeat)seats[1]).Asked);
    }

    [Fact]
    public async Task AnAgentThatFailsForGoodFailsTheEpisodeWithTheReason()
    {
        var begun = await BeginAsync("e-1");
        var seats = new IEpisodeSeat[] { new ScriptedSeat(0, LeaveAtSix), new ScriptedSeat(1, LeaveAtSix) { FailAt = 3 } };

        var status = await Runner().RunAsync(begun, Setup(), seats, CancellationToken.None);

        Assert.Equal(EpisodeStatus.Failed, status);
        var stored = await _store.GetEpisodeAsync("e-1");
        Assert.Equal("Seat 1 (scripted) failed at turn 3: the model endpoint refused turn 3", stored!.FailureReason);
        Assert.Null(stored.Outcome);
        Assert.Equal(3, _store.TurnsOf("e-1").Count);
        Assert.Empty(_judge.Requests);
    }

    [Fact]
    public async Task AnUnreachableSeatInterruptsTheEpisodeWithoutRecordingAFailure()
    {
        var begun = await BeginAsync("e-1");
        var seats = new IEpisodeSeat[] { new ScriptedSeat(0, LeaveAtSix), new ScriptedSeat(1, LeaveAtSix) { UnreachableAt = 3 } };

        await Assert.ThrowsAsync<SeatUnavailableException>(() => Runner().RunAsync(begun, Setup(), seats, CancellationToken.None));

        // Still running, with the turns before: the next activation resumes at turn 3.
        var stored = await _store.GetEpisodeAsync("e-1");
        Assert.Equal((EpisodeStatus.Running, (string?)null), (stored!.Status, stored.FailureReason));
        Assert.Equal(3, _store.TurnsOf("e-1").Count);
        Assert.Empty(_judge.Requests);
    }

    [Fact]
    public async Task AJudgeThatCannotScoreRecordsAnEvaluationFailureNotZeros()
    {
        var begun = await BeginAsync("e-1");
        var judge = new FixedJudge { Fail = "the judge answered prose" };

        var status = await new EpisodeRunner(_store, judge, _time).RunAsync(begun, Setup(), Seats(LeaveAtSix), CancellationToken.None);

        Assert.Equal(EpisodeStatus.EvaluationFailed, status);
        var stored = await _store.GetEpisodeAsync("e-1");
        Assert.False(stored!.Outcome!.Succeeded);
        Assert.Equal("the judge answered prose", stored.Outcome.Failure.Reason);
    }

    [Fact]
    public async Task StoppingKeepsEveryStoredTurn()
    {
        var begun = await BeginAsync("e-1");
        using var stop = new CancellationTokenSource();
        var seats = Seats(turn =>
        {
            if (turn == 4)
            {
                stop.Cancel();
            }
            return AgentAction.Speak($"line {turn}");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner().RunAsync(begun, Setup(), seats, stop.Token));

        // Turn 4's decision came back before the stop and was stored; turn 5 was never asked for.
        Assert.Equal(5, _store.TurnsOf("e-1").Count);
        Assert.Equal(EpisodeStatus.Running, (await _store.GetEpisodeAsync("e-1"))!.Status);
    }

    [Fact]
    public async Task AnEndedEpisodeCannotBePlayedAgain()
    {
        var begun = await BeginAsync("e-1");
        await Runner().RunAsync(begun, Setup(), Seats(LeaveAtSix), CancellationToken.None);

        var again = await _store.BeginEpisodeAsync("e-1");

        Assert.Null(again!.Fence);
        Assert.Equal(EpisodeStatus.Completed, again.Episode.Status);
        await Assert.ThrowsAsync<ArgumentException>(() => Runner().RunAsync(again, Setup(), Seats(LeaveAtSix), CancellationToken.None));
    }

    [Fact]
    public async Task StoreRetriesBackOffFrom200MillisecondsDoublingUpToFiveSeconds()
    {
        var time = new TimerWatchingTimeProvider(Start);
        var begun = await BeginAsync("e-1");
        var attempts = 0;
        _store.BeforeAppend = turn =>
        {
            if (turn.Number == 2 && ++attempts <= 7)
            {
                throw new TimeoutException($"the database did not answer (attempt {attempts})");
            }
        };

        var run = new EpisodeRunner(_store, _judge, time).RunAsync(begun, Setup(), Seats(LeaveAtSix), CancellationToken.None);
        var delays = new List<TimeSpan>();
        for (var retry = 1; retry <= 7; retry++)
        {
            var due = await time.Timers.ReadAsync().AsTask().WaitAsync(Bounded);
            delays.Add(due);
            // One tick short of the delay, the write is not tried again.
            time.Advance(due - TimeSpan.FromMilliseconds(1));
            Assert.Equal(retry, attempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }
        var status = await run.WaitAsync(Bounded);

        Assert.Equal([200, 400, 800, 1600, 3200, 5000, 5000], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal(EpisodeStatus.Completed, status);
        Assert.Equal(8, attempts);
        Assert.Equal(Enumerable.Range(0, 7), _store.TurnsOf("e-1").Select(t => t.Number));
        Assert.Equal(Start.AddMilliseconds(16_200), (await _store.GetEpisodeAsync("e-1"))!.CompletedAt);
    }

    [Fact]
    public async Task AFinalWriteWhoseAnswerWasLostCountsAsDoneNotAsAStaleActivation()
    {
        var begun = await BeginAsync("e-1");
        var lost = false;
        _store.AfterComplete = completion =>
        {
            if (!lost)
            {
                lost = true;
                throw new IOException("connection reset after commit");
            }
        };

        var run = Runner().RunAsync(begun, Setup(), Seats(LeaveAtSix), CancellationToken.None);
        Assert.False(run.IsCompleted, "the runner should wait out its backoff before writing the outcome again");
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var status = await run.WaitAsync(Bounded);

        Assert.Equal(EpisodeStatus.Completed, status);
        Assert.True(lost);
        Assert.Equal(1, _store.StaleWritesRefused);
        Assert.Equal(EpisodeStatus.Completed, (await _store.GetEpisodeAsync("e-1"))!.Status);
    }

    private EpisodeRunner Runner() => new(_store, _judge, _time);

    private static IReadOnlyList<IEpisodeSeat> Seats(Func<int, AgentAction> script) => [new ScriptedSeat(0, script), new ScriptedSeat(1, script)];

    private async Task<EpisodeActivation> BeginAsync(string id)
    {
        var setup = Setup();
        var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, "scripted");
        await _store.CreateEpisodesAsync([new EpisodeRecord
        {
            Id = id,
            CampaignId = "c-1",
            Round = 0,
            Phase = "bc",
            TaskId = setup.Task.Id,
            ScenarioId = setup.Scenario.Id,
            Agent1Id = setup.Agent1.Id,
            Agent2Id = setup.Agent2.Id,
            Seats = [expert, expert],
            Seed = 42,
            CreatedAt = Start,
        }]);
        return (await _store.BeginEpisodeAsync(id))!;
    }

    private static EpisodeSetup Setup()
    {
        var scenario = new Scenario
        {
            Id = "s-1",
            Codename = "garden",
            Text = "Two neighbours meet at the garden.",
            Goals = ["Get help weeding", "Borrow the watering can"],
            Relationship = RelationshipType.Friend,
        };
        var a = new Character { Id = "c-a", FirstName = "Ana", LastName = "Ruiz" };
        var b = new Character { Id = "c-b", FirstName = "Ben", LastName = "Ode" };
        return new EpisodeSetup(new SocialTask { Id = "t-1", ScenarioId = scenario.Id, Agent1Id = a.Id, Agent2Id = b.Id }, scenario, a, b);
    }
}
