using Orleans.Concurrency;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>One character agent of one episode (key: <see cref="AgentKey"/>: episode id and seat), placed on its
/// episode's silo. It holds the seat's character, private goal and pinned policy version, renders its own
/// observation (only what its seat may see) and asks its policy for an action.</summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Decides the seat's next action. A model call may wait on rate limits and retries longer than
    /// Orleans' default 30 s, so this call has its own timeout; the agent always lives on its episode's silo.</summary>
    [ResponseTimeout("00:30:00")]
    Task<AgentDecision> ActAsync(AgentTurn turn, CancellationToken cancellationToken = default);

    /// <summary>The episode begins: the agent is activated (on the episode's silo) before its first turn.</summary>
    Task JoinAsync();

    /// <summary>The episode ended: the agent deactivates (one-way: the episode does not wait for it).</summary>
    [OneWay]
    Task LeaveAsync();
}
