using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Settings of the offline simulator backend (section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>How long each simulated decision takes (default none: the simulator answers at once). Set it to
    /// rehearse a campaign with a model's timing — episodes then last as long as they would against a server
    /// (e.g. 0.5 s per turn), so concurrency, capacity and recovery behave as in a real run.</summary>
    public TimeSpan DecisionLatency { get; set; } = TimeSpan.Zero;

    /// <summary>The problems of these settings (empty when valid).</summary>
    public IEnumerable<string> Validate()
    {
        if (DecisionLatency < TimeSpan.Zero || DecisionLatency > TimeSpan.FromMinutes(5))
        {
            yield return $"Simulator:DecisionLatency must be between 0 and 5 minutes (was {DecisionLatency}).";
        }
    }
}

/// <summary>Wraps a policy provider so every decision takes at least <see cref="SimulatorOptions.DecisionLatency"/>
/// (measured with the given clock).</summary>
public sealed class LatentPolicyProvider(IPolicyProvider inner, TimeSpan latency, TimeProvider time) : IPolicyProvider
{
    public async ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default) =>
        new LatentPolicy(await inner.ResolveAsync(binding, cancellationToken), latency, time);

    private sealed class LatentPolicy(IAgentPolicy inner, TimeSpan latency, TimeProvider time) : IAgentPolicy
    {
        public async ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
        {
            await Task.Delay(latency, time, cancellationToken);
            return await inner.DecideAsync(request, cancellationToken);
        }
    }
}
