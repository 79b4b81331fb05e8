using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The simulator's expert policy (GPT-4's role in SOTOPIA-π): a strong, kind-aware strategy with
/// some randomness (<see cref="ExpertStrategy"/>).</summary>
public sealed class ExpertPolicy(IPromptReader reader) : SimulatorPolicy(reader, SimulatorModels.Expert)
{
    protected override SocialMove Choose(in ConversationState state, Random random) => ExpertStrategy.Choose(state, random);
}
