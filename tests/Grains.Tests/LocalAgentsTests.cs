using System.Diagnostics;
using SotopiaPi.Grains.Agents;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests;

/// <summary>The silo's registry of active agent grains that episode grains ask directly: an agent is found while it is
/// registered, an older activation's deactivation does not remove a newer one, and nothing is found while Orleans'
/// grain-call spans are listened to (a traced run calls every agent through Orleans).</summary>
public sealed class LocalAgentsTests
{
    private const string Key = "episode-1/0";

    [Fact]
    public void AnAgentIsFoundWhileItIsRegisteredAndNotAfterItDeactivates()
    {
        var agents = new LocalAgents();
        var agent = new Agent();
        Assert.False(agents.TryGet(Key, out _));

        agents.Add(Key, agent);
        Assert.True(agents.TryGet(Key, out var found));
        Assert.Same(agent, found);
        Assert.False(agents.TryGet("episode-1/1", out _));

        agents.Remove(Key, agent);
        Assert.False(agents.TryGet(Key, out _));
        Assert.Equal(0, agents.Count);
    }

    [Fact]
    public void AnOlderActivationDeactivatingLeavesTheNewerOne()
    {
        var agents = new LocalAgents();
        var older = new Agent();
        var newer = new Agent();
        agents.Add(Key, older);
        agents.Add(Key, newer);

        agents.Remove(Key, older);

        Assert.True(agents.TryGet(Key, out var found));
        Assert.Same(newer, found);
    }

    [Fact]
    public void NothingIsFoundWhileGrainCallSpansAreListenedTo()
    {
        var agents = new LocalAgents();
        agents.Add(Key, new Agent());
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.Orleans.Application",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        })
        {
            ActivitySource.AddActivityListener(listener);
            Assert.False(agents.TryGet(Key, out _));
        }

        Assert.True(agents.TryGet(Key, out _));
    }

    private sealed class Agent : IAgentDecider
    {
        public ValueTask<AgentDecision> DecideAsync(AgentTurn turn, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not asked in these tests");
    }
}
