using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Simulator;

/// <summary>The trainable simulator policy playing one <see cref="TrainablePolicyModel"/> checkpoint (the
/// Mistral-7B + LoRA role in SOTOPIA-π). Decides only from the prompt, read through the
/// <see cref="IPromptReader"/>, sampling at temperature 1.0 from a random source seeded by the request.</summary>
public sealed class TrainablePolicy(IPromptReader reader, TrainablePolicyModel model, string modelName = SimulatorModels.Policy) : IAgentPolicy
{
    private readonly IPromptReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly TaskTextCache _texts = new();

    public TrainablePolicyModel PolicyModel { get; } = model ?? throw new ArgumentNullException(nameof(model));

    public string Model { get; } = modelName;

    /// <summary>Samples the move for a parsed prompt.</summary>
    public SocialMove ChooseMove(ParsedPrompt prompt, Random random)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(random);
        var task = _texts.Get(prompt.Scenario, prompt.Goal);
        return PolicyModel.Sample(ConversationState.Read(prompt, task.Kind), random);
    }

    /// <summary>Samples and renders the action for a parsed prompt.</summary>
    public AgentAction Decide(ParsedPrompt prompt, Random random)
    {
        var move = ChooseMove(prompt, random);
        return SimulatorPolicyCore.Act(prompt, _texts.Get(prompt.Scenario, prompt.Goal), move, random);
    }

    public ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var action = Decide(_reader.Read(request.Prompt), SimulatorPolicyCore.RandomFor(request.Seed));
        return ValueTask.FromResult(SimulatorPolicyCore.Decision(action, Model));
    }
}
