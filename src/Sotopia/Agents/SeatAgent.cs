using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Agents;

/// <summary>One seat's agent (the agent grain's logic, host-free): renders the seat's own observation — only what
/// that seat may see — into its prompt and asks its policy for the next action. The prompt's stable head is cached
/// per setup and seat (<see cref="AgentPromptRenderer"/>), so each turn renders only what changed.</summary>
public static class SeatAgent
{
    /// <summary>What the seat's policy is asked on this turn.</summary>
    public static AgentTurnRequest Request(AgentTurn turn, int seat)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var number = turn.History.Length;
        var prompt = AgentPromptRenderer.Render(turn.Setup, seat, turn.History, number);
        return new AgentTurnRequest(
            turn.EpisodeId, turn.Setup, seat, number, turn.History, prompt, turn.Binding, StableSeed.Derive(turn.EpisodeSeed, number, seat));
    }

    /// <summary>Asks <paramref name="policy"/> for the seat's next action.</summary>
    public static ValueTask<AgentDecision> DecideAsync(IAgentPolicy policy, AgentTurn turn, int seat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.DecideAsync(Request(turn, seat), cancellationToken);
    }
}
