using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The simulator's fixed partner policy (GPT-3.5's role in SOTOPIA-π): decent, responsive, but blind
/// to the kind of task and clearly weaker than the expert (<see cref="PartnerStrategy"/>).</summary>
public sealed class PartnerPolicy(IPromptReader reader) : SimulatorPolicy(reader, SimulatorModels.Partner)
{
    protected override SocialMove Choose(in ConversationState state, Random random) => PartnerStrategy.Choose(state, random);
}
