namespace SotopiaPi.Grains.Interfaces;

/// <summary>An agent's brain: turns the observation of one turn into an action. Implementations: the LLM
/// policy (any OpenAI-compatible endpoint) and the offline simulator's policies.</summary>
public interface IAgentPolicy
{
    ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default);
}
