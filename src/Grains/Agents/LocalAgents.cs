using System.Collections.Concurrent;
using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Agents;

/// <summary>The agent grains active on this silo (one registry per silo), so an episode grain can ask its own agents
/// for a decision without a grain call. Every agent grain is placed on its episode's silo, so an episode finds its
/// agents here once their first call activated them; one it does not find (not yet activated, collected, or on
/// another silo after a failover) it calls through Orleans as before.</summary>
internal sealed class LocalAgents
{
    /// <summary>The name of Orleans' activity source for grain calls: while something listens to it (tracing is
    /// on), episodes call their agents through Orleans, so every agent call is its own span in the trace.</summary>
    private const string GrainCallSpans = "Microsoft.Orleans.Application";

    private static readonly ActivitySource GrainCalls = new(GrainCallSpans);

    private readonly ConcurrentDictionary<string, IAgentDecider> _agents = new(StringComparer.Ordinal);

    /// <summary>Agents active on this silo now.</summary>
    public int Count => _agents.Count;

    /// <summary>The agent with <paramref name="key"/> when it is active on this silo and grain calls are not traced.</summary>
    public bool TryGet(string key, out IAgentDecider agent)
    {
        if (GrainCalls.HasListeners())
        {
            agent = null!;
            return false;
        }
        return _agents.TryGetValue(key, out agent!);
    }

    /// <summary>An agent grain activated here.</summary>
    public void Add(string key, IAgentDecider agent) => _agents[key] = agent;

    /// <summary>An agent grain deactivates (only this activation's entry is removed).</summary>
    public void Remove(string key, IAgentDecider agent) =>
        _agents.TryRemove(new KeyValuePair<string, IAgentDecider>(key, agent));
}

/// <summary>What an agent grain does for its episode grain on the same silo: decide the seat's next action.</summary>
internal interface IAgentDecider
{
    ValueTask<AgentDecision> DecideAsync(AgentTurn turn, CancellationToken cancellationToken);
}
