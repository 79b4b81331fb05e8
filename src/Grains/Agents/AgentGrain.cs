using Orleans.Placement;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Agents;

namespace SotopiaPi.Grains.Agents;

/// <summary>One character agent (key: episode id + seat), on its episode's silo. It keeps its pinned policy
/// (resolved once per activation through the silo's policy provider) and asks it for each action.</summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
internal sealed class AgentGrain(IPolicyProvider policies) : Grain, IAgentGrain
{
    private IAgentPolicy? _policy;
    private SeatBinding? _binding;
    private int _seat = -1;

    public async Task<AgentDecision> ActAsync(AgentTurn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (_seat < 0)
        {
            _seat = AgentKey.Seat(this.GetPrimaryKeyString());
        }
        if (_policy is null || _binding != turn.Binding)
        {
            _policy = await policies.ResolveAsync(turn.Binding, cancellationToken);
            _binding = turn.Binding;
        }
        return await SeatAgent.DecideAsync(_policy, turn, _seat, cancellationToken);
    }

    public Task LeaveAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
