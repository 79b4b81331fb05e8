using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The trainable simulator policy playing one <see cref="TrainablePolicyModel"/> checkpoint (the
/// Mistral-7B + LoRA role in SOTOPIA-π), sampling at temperature 1.0.</summary>
public sealed class TrainablePolicy(IPromptReader reader, TrainablePolicyModel model, string modelName = SimulatorModels.Policy)
    : SimulatorPolicy(reader, modelName)
{
    public TrainablePolicyModel PolicyModel { get; } = model ?? throw new ArgumentNullException(nameof(model));

    protected override SocialMove Choose(in ConversationState state, Random random) => PolicyModel.Sample(state, random);
}
