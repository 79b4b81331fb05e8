using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>What the three simulator policies share: prompt → state → move → rendered action.</summary>
internal static class SimulatorPolicyCore
{
    /// <summary>The decision's random source: seeded from the request seed only, so a turn replays exactly.</summary>
    public static Random RandomFor(long seed) => new(StableHash.Fold(seed));

    public static AgentAction Act(ParsedPrompt prompt, TaskText task, SocialMove move, Random random) =>
        MoveCodec.Render(move, new MoveRenderContext(prompt.AgentName, prompt.OtherName, task), random);

    public static AgentDecision Decision(AgentAction action, string model) => new(action, null, CallUsage.Zero(model));
}
