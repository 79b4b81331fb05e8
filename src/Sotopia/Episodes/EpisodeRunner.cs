using System.Collections.Immutable;
using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>Plays one begun episode to its end by the SOTOPIA rules: each turn is stored (with the activation's
/// fence) before the next decision is asked for, then the judge scores it and the outcome is stored. It resumes
/// from the turns already stored, so a crash costs at most the decision in flight. A store failure that says
/// nothing about the episode (the database restarting, a network blip) is retried in place with backoff; a write
/// refused as stale ends the run with <see cref="StaleWriteException"/> (a newer activation owns the episode); a seat
/// that could not be reached ends it with <see cref="SeatUnavailableException"/> (nothing is recorded: the episode
/// resumes later). A seat's own failure (its policy erred) is recorded as the episode's failure.
/// Traced as an episode span (child of <see cref="Parent"/>, its round's span) with one span per turn and one
/// for the judge.</summary>
public sealed class EpisodeRunner(IEpisodeStore store, IEpisodeJudge judge, TimeProvider time, SotopiaInstruments? instruments = null)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>The span the episode's span is a child of.</summary>
    public ActivityContext Parent { get; init; }

    /// <summary>Plays to the end and returns the final status (completed, evaluation failed or failed).</summary>
    /// <param name="begun">The episode as <see cref="IEpisodeStore.BeginEpisodeAsync"/> returned it, with a fence.</param>
    /// <param name="setup">Scenario and characters.</param>
    /// <param name="seats">Seat 0 and seat 1.</param>
    /// <param name="cancellationToken">Cancelled when the activation stops (its silo shuts down): every stored turn stays.</param>
    public async Task<EpisodeStatus> RunAsync(EpisodeActivation begun, EpisodeSetup setup, IReadOnlyList<IEpisodeSeat> seats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(begun);
        var fence = begun.Fence ?? throw new ArgumentException($"Episode '{begun.Episode.Id}' has ended; there is nothing to play.", nameof(begun));
        if (seats.Count != 2)
        {
            throw new ArgumentException("An episode has two seats.", nameof(seats));
        }
        var episode = begun.Episode;
        using var activity = SotopiaActivities.StartEpisode(episode, fence.Value, Parent);
        instruments?.EpisodeActivated(fence.Value);
        if (fence.Value == 1)
        {
            instruments?.EpisodeStarted(episode);
        }
        try
        {
            var status = await PlayAsync(episode, fence, begun.Turns, setup, seats, activity, cancellationToken);
            activity?.SetTag(SotopiaAttributes.EpisodeStatus, status.ToString());
            if (status == EpisodeStatus.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "episode failed");
            }
            instruments?.EpisodeFinished(episode, status);
            return status;
        }
        catch (Exception ex)
        {
            SotopiaActivities.RecordFailure(activity, ex);
            throw;
        }
    }

    private async Task<EpisodeStatus> PlayAsync(
        EpisodeRecord episode, EpisodeFence fence, ImmutableArray<Turn> turns, EpisodeSetup setup, IReadOnlyList<IEpisodeSeat> seats,
        Activity? activity, CancellationToken cancellationToken)
    {
        activity?.SetTag("sotopia.episode.resumed_at_turn", turns.Length);
        TerminationReason? termination;
        while ((termination = EpisodeRules.CheckTermination(turns)) is null)
        {
            var number = turns.Length;
            var seat = seats[EpisodeRules.ActiveSeat(number)];
            using var turnActivity = SotopiaActivities.StartTurn(episode, number, seat.Seat);
            AgentDecision decision;
            try
            {
                decision = await seat.DecideAsync(turns, cancellationToken);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or SeatUnavailableException))
            {
                SotopiaActivities.RecordFailure(turnActivity, ex);
                var reason = $"Seat {seat.Seat} ({seat.Binding.Model}) failed at turn {number}: {ex.Message}";
                await CompleteAsync(fence, new EpisodeCompletion(EpisodeStatus.Failed, null, null, reason, time.GetUtcNow()), cancellationToken);
                return EpisodeStatus.Failed;
            }
            var turn = new Turn(episode.Id, number, seat.Seat, decision.Action, decision.Note, decision.Usage);
            turns = await AppendAsync(fence, turns, turn, cancellationToken);
            turnActivity?.SetTag(SotopiaAttributes.ActionType, decision.Action.Type.ToWire());
            instruments?.TurnPlayed(episode, seat.Binding);
        }
        activity?.SetTag(SotopiaAttributes.Termination, termination.Value.ToString());

        EvaluationOutcome outcome;
        using (var judgeActivity = SotopiaActivities.StartJudge(episode, judge.Model))
        {
            outcome = await judge.JudgeAsync(new EpisodeJudgeRequest(episode.Id, setup, turns, termination.Value, episode.Seed), cancellationToken);
            if (!outcome.Succeeded)
            {
                judgeActivity?.SetStatus(ActivityStatusCode.Error, outcome.Failure.Reason);
            }
        }
        var status = outcome.Succeeded ? EpisodeStatus.Completed : EpisodeStatus.EvaluationFailed;
        await CompleteAsync(fence, new EpisodeCompletion(status, termination, outcome, null, time.GetUtcNow()), cancellationToken);
        if (outcome.Succeeded)
        {
            instruments?.EpisodeScored(episode, outcome.Evaluation);
        }
        else
        {
            instruments?.JudgeFailed(episode, judge.Model);
        }
        return status;
    }

    /// <summary>Stores the turn; after a transient failure it reads the stored turns again, so a turn whose commit
    /// succeeded but whose answer was lost is not written twice.</summary>
    private async Task<ImmutableArray<Turn>> AppendAsync(EpisodeFence fence, ImmutableArray<Turn> turns, Turn turn, CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                await store.AppendTurnAsync(fence, turn, cancellationToken);
                return turns.Add(turn);
            }
            catch (Exception ex) when (TransientStoreErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                delay = await BackOffAsync(delay, cancellationToken);
                var stored = await RetryAsync(() => store.GetTurnsAsync(fence.EpisodeId, cancellationToken), cancellationToken);
                if (stored.Length > turn.Number)
                {
                    return stored;
                }
            }
        }
    }

    /// <summary>Stores the episode's end. After a transient failure a refusal can mean that the lost attempt did
    /// commit: then the stored episode shows this very completion and it counts as done.</summary>
    private async Task CompleteAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        var retried = false;
        while (true)
        {
            try
            {
                await store.CompleteEpisodeAsync(fence, completion, cancellationToken);
                return;
            }
            catch (StaleWriteException) when (retried)
            {
                var stored = await RetryAsync(() => store.GetEpisodeAsync(fence.EpisodeId, cancellationToken), cancellationToken);
                if (stored?.Status == completion.Status)
                {
                    return;
                }
                throw;
            }
            catch (Exception ex) when (TransientStoreErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                retried = true;
                delay = await BackOffAsync(delay, cancellationToken);
            }
        }
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (Exception ex) when (TransientStoreErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                delay = await BackOffAsync(delay, cancellationToken);
            }
        }
    }

    private async Task<TimeSpan> BackOffAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, time, cancellationToken);
        return delay * 2 < LastRetry ? delay * 2 : LastRetry;
    }
}
