using Orleans.Placement;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Agents;

namespace SotopiaPi.Grains.Agents;

/// <summary>One character agent (key: episode id + seat), on its episode's silo. It keeps its pinned policy
/// (resolved once per activation through the silo's policy provider) and asks it for each action. While active it is
/// listed in its silo's <see cref="LocalAgents"/>, so its episode grain (on the same silo by placement) asks it for
/// each decision directly instead of through a grain call: the same code, without the call's two scheduler hops and
/// message. Its only state is the resolved policy, swapped as one reference, so a decision asked directly and one
/// asked through Orleans (a stale activation of its episode elsewhere) never see it half-written.</summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
internal sealed class AgentGrain(IPolicyProvider policies, LocalAgents local) : Grain, IAgentGrain, IAgentDecider
{
    private Resolved? _resolved;
    private int _seat = -1;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        local.Add(Key, this);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        local.Remove(Key, this);
        return Task.CompletedTask;
    }

    public Task<AgentDecision> ActAsync(AgentTurn turn, CancellationToken cancellationToken = default) =>
        DecideAsync(turn, cancellationToken).AsTask();

    public async ValueTask<AgentDecision> DecideAsync(AgentTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (_seat < 0)
        {
            _seat = AgentKey.Seat(Key);
        }
        var resolved = _resolved;
        if (resolved is null || resolved.Binding != turn.Binding)
        {
            resolved = new Resolved(turn.Binding, await policies.ResolveAsync(turn.Binding, cancellationToken));
            _resolved = resolved;
        }
        return await SeatAgent.DecideAsync(resolved.Policy, turn, _seat, cancellationToken);
    }

    public Task JoinAsync() => Task.CompletedTask;

    public Task LeaveAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private sealed record Resolved(SeatBinding Binding, IAgentPolicy Policy);
}
