using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>
/// SOTOPIA's turn-taking and rule-based termination (reference §b, "Turn-taking" and "Step and termination";
/// the original <c>RuleBasedTerminatedEvaluator(max_turn_number=20, max_stale_turn=2)</c> with round-robin order).
/// </summary>
/// <remarks>
/// Only the active seat's action is stored per step (<see cref="Turn"/>); the inactive seat's action is an implicit,
/// forced <c>none</c>. The stale rule counts those forced <c>none</c>s exactly as the original environment inbox
/// does (per step: agent 1's action, then agent 2's action), which gives SOTOPIA's asymmetry: a single <c>none</c>
/// by agent 2 right after agent 1 acted ends the episode, a single <c>none</c> by agent 1 does not.
/// When several rules apply to the same step the reason reported is, in this order: too long, a seat left, stale
/// (a step whose action is <c>leave</c> can never also be stale, since <c>leave</c> is not <c>none</c>).
/// </remarks>
public static class EpisodeRules
{
    /// <summary>The episode ends once more than this many steps have been played (so at most 21 steps, #0..#20).</summary>
    public const int MaxTurnNumber = 20;

    /// <summary>The episode ends once more than this many consecutive <c>none</c> actions are in the inbox.</summary>
    public const int MaxStaleTurns = 2;

    /// <summary>The seat that acts at <paramref name="turnNumber"/> in round-robin order (turn 0 → seat 0).</summary>
    public static int ActiveSeat(int turnNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(turnNumber);
        return turnNumber % 2;
    }

    /// <summary>Checks the rules after the last of <paramref name="turns"/> was stored, with SOTOPIA's limits.</summary>
    /// <param name="turns">All steps so far in order (numbered 0..n-1), one action of the acting seat each.</param>
    /// <returns>Why the episode ends now, or null if it goes on.</returns>
    public static TerminationReason? CheckTermination(IReadOnlyList<Turn> turns) =>
        CheckTermination(turns, MaxTurnNumber, MaxStaleTurns);

    /// <summary>Checks the rules with custom limits (the original evaluator's two parameters).</summary>
    public static TerminationReason? CheckTermination(IReadOnlyList<Turn> turns, int maxTurnNumber, int maxStaleTurns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (turns.Count == 0)
        {
            return null;
        }
        // The original increments turn_number once per step and ends the episode when it exceeds the maximum.
        if (turns.Count > maxTurnNumber)
        {
            return TerminationReason.TooLong;
        }
        var last = turns[^1];
        if (last.Action.Type == ActionType.Leave)
        {
            return last.Seat == 0 ? TerminationReason.Agent1Left : TerminationReason.Agent2Left;
        }
        return CountTrailingNones(turns) > maxStaleTurns ? TerminationReason.Stale : null;
    }

    /// <summary>How many consecutive <c>none</c> actions end the inbox, walking back over agent 2's then agent 1's
    /// action of each step (forced <c>none</c>s of the inactive seat included).</summary>
    public static int CountTrailingNones(IReadOnlyList<Turn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var count = 0;
        for (var i = turns.Count - 1; i >= 0; i--)
        {
            for (var seat = 1; seat >= 0; seat--)
            {
                var isNone = turns[i].Seat != seat || turns[i].Action.Type == ActionType.None;
                if (!isNone)
                {
                    return count;
                }
                count++;
            }
        }
        return count;
    }

    /// <summary>The original evaluator's wording of a termination reason (used in logs and transcripts).</summary>
    public static string Describe(TerminationReason reason) => reason switch
    {
        TerminationReason.TooLong => "conversation too long",
        TerminationReason.Agent1Left => "Agent 1 is leaving",
        TerminationReason.Agent2Left => "Agent 2 is leaving",
        TerminationReason.Stale => "conversation stale",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown termination reason."),
    };
}
