using System.Collections.Immutable;
using SotopiaPi.Grains.Agents;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Episodes;

/// <summary>Plays one episode (key: episode id) turn by turn by the SOTOPIA rules, persisting every turn
/// under its lease before asking for the next one, then asks the judge and records the outcome. Started on a
/// claimed episode, it resumes from the last stored turn: a crash costs at most the call in flight.</summary>
public sealed class EpisodeGrain(
    ClaimedEpisode claim,
    EpisodeSetup setup,
    IEpisodeStore store,
    IPolicyProvider policies,
    IEpisodeJudge judge,
    TimeProvider time)
{
    public string Id => claim.Episode.Id;

    /// <summary>Plays to the end. Throws <see cref="StaleEpochException"/> if another silo took the episode
    /// over (the caller drops the activation), and <see cref="OperationCanceledException"/> on shutdown
    /// (nothing is lost: every stored turn stays, the next owner continues).</summary>
    public async Task<EpisodeStatus> RunAsync(CancellationToken cancellationToken)
    {
        var episode = claim.Episode;
        var lease = claim.Lease;
        var turns = await store.GetTurnsAsync(episode.Id, cancellationToken);

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
            AgentDecision decision;
            try
            {
                decision = await agent.ActAsync(turns, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var reason = $"Seat {agent.Seat} ({agent.Binding.Model}) failed at turn {number}: {ex.Message}";
                await store.CompleteEpisodeAsync(
                    lease, new EpisodeCompletion(EpisodeStatus.Failed, null, null, reason, time.GetUtcNow()), cancellationToken);
                return EpisodeStatus.Failed;
            }
            var turn = new Turn(episode.Id, number, agent.Seat, decision.Action, decision.Note, decision.Usage);
            await store.AppendTurnAsync(lease, turn, cancellationToken);
            turns = turns.Add(turn);
        }

        var outcome = await judge.JudgeAsync(
            new EpisodeJudgeRequest(episode.Id, setup, turns, termination.Value, episode.Seed), cancellationToken);
        var status = outcome.Succeeded ? EpisodeStatus.Completed : EpisodeStatus.EvaluationFailed;
        await store.CompleteEpisodeAsync(
            lease, new EpisodeCompletion(status, termination, outcome, null, time.GetUtcNow()), cancellationToken);
        return status;
    }
}
