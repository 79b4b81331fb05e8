using SotopiaPi.Sotopia.Episodes;
using System.Collections.Immutable;
using System.Diagnostics;
using SotopiaPi.Grains.Agents;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Grains.Episodes;

/// <summary>Plays one episode (key: episode id) turn by turn by the SOTOPIA rules, persisting every turn
/// under its lease before asking for the next one, then asks the judge and records the outcome. Started on a
/// claimed episode, it resumes from the last stored turn: a crash costs at most the call in flight.
/// Traced as an episode span (child of <paramref name="parentContext"/>, its round's span) with one span per turn
/// and one for the judge; turns, judge failures and scores are recorded into <paramref name="instruments"/>.</summary>
public sealed class EpisodeGrain(
    ClaimedEpisode claim,
    EpisodeSetup setup,
    IEpisodeStore store,
    IPolicyProvider policies,
    IEpisodeJudge judge,
    TimeProvider time,
    SotopiaInstruments? instruments = null,
    ActivityContext parentContext = default)
{
    public string Id => claim.Episode.Id;

    /// <summary>Plays to the end. Throws <see cref="StaleEpochException"/> if another silo took the episode
    /// over (the caller drops the activation), and <see cref="OperationCanceledException"/> on shutdown
    /// (nothing is lost: every stored turn stays, the next owner continues).</summary>
    public async Task<EpisodeStatus> RunAsync(CancellationToken cancellationToken)
    {
        var episode = claim.Episode;
        var lease = claim.Lease;
        using var activity = SotopiaActivities.StartEpisode(episode, lease.Epoch, parentContext);
        try
        {
            var status = await PlayAsync(episode, lease, activity, cancellationToken);
            activity?.SetTag(SotopiaAttributes.EpisodeStatus, status.ToString());
            if (status == EpisodeStatus.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "episode failed");
            }
            return status;
        }
        catch (Exception ex)
        {
            SotopiaActivities.RecordFailure(activity, ex);
            throw;
        }
    }

    private async Task<EpisodeStatus> PlayAsync(EpisodeRecord episode, Lease lease, Activity? activity, CancellationToken cancellationToken)
    {
        var turns = await store.GetTurnsAsync(episode.Id, cancellationToken);
        activity?.SetTag("sotopia.episode.resumed_at_turn", turns.Length);

        var agents = new AgentGrain[2];
        for (var seat = 0; seat < 2; seat++)
        {
            var policy = await policies.ResolveAsync(episode.Seats[seat], cancellationToken);
            agents[seat] = new AgentGrain(episode, setup, seat, policy);
        }

        TerminationReason? termination;
        while ((termination = EpisodeRules.CheckTermination(turns)) is null)
        {
            var number = turns.Length;
            var agent = agents[EpisodeRules.ActiveSeat(number)];
            using var turnActivity = SotopiaActivities.StartTurn(episode, number, agent.Seat);
            AgentDecision decision;
            try
            {
                decision = await agent.ActAsync(turns, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SotopiaActivities.RecordFailure(turnActivity, ex);
                var reason = $"Seat {agent.Seat} ({agent.Binding.Model}) failed at turn {number}: {ex.Message}";
                await store.CompleteEpisodeAsync(
                    lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, reason, time.GetUtcNow()), cancellationToken);
                return EpisodeStatus.Failed;
            }
            var turn = new Turn(episode.Id, number, agent.Seat, decision.Action, decision.Note, decision.Usage);
            await store.AppendTurnAsync(lease, turn, cancellationToken);
            turnActivity?.SetTag(SotopiaAttributes.ActionType, decision.Action.Type.ToWire());
            instruments?.TurnPlayed(episode, agent.Binding);
            turns = turns.Add(turn);
        }
        activity?.SetTag(SotopiaAttributes.Termination, termination.Value.ToString());

        EvaluationOutcome outcome;
        using (var judgeActivity = SotopiaActivities.StartJudge(episode, judge.Model))
        {
            outcome = await judge.JudgeAsync(
                new EpisodeJudgeRequest(episode.Id, setup, turns, termination.Value, episode.Seed), cancellationToken);
            if (!outcome.Succeeded)
            {
                judgeActivity?.SetStatus(ActivityStatusCode.Error, outcome.Failure.Reason);
            }
        }
        var status = outcome.Succeeded ? EpisodeStatus.Completed : EpisodeStatus.EvaluationFailed;
        await store.CompleteEpisodeAsync(
            lease, new EpisodeCompletion(status, termination, outcome, null, time.GetUtcNow()), cancellationToken);
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
}
