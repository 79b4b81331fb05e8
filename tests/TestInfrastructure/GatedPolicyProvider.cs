using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.TestInfrastructure;

/// <summary>Decorates the silo's policy provider: every decision first passes the <see cref="PolicyGate"/>.</summary>
public sealed class GatedPolicyProvider(IPolicyProvider inner, PolicyGate gate) : IPolicyProvider
{
    public async ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default) =>
        new GatedPolicy(await inner.ResolveAsync(binding, cancellationToken), gate);

    private sealed class GatedPolicy(IAgentPolicy inner, PolicyGate gate) : IAgentPolicy
    {
        public async ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
        {
            await gate.PassAsync(request.TurnNumber, cancellationToken);
            return await inner.DecideAsync(request, cancellationToken);
        }
    }
}
