using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>What every simulator policy shares: it decides only from the prompt, read through the
/// <see cref="IPromptReader"/>, and a random source seeded by the request; subclasses only choose the move
/// from the conversation state the prompt shows.</summary>
public abstract class SimulatorPolicy(IPromptReader reader, string model) : IAgentPolicy
{
    private readonly IPromptReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly TaskTextCache _texts = new();

    public string Model { get; } = model;

    /// <summary>Chooses the move for a parsed prompt.</summary>
    public SocialMove ChooseMove(ParsedPrompt prompt, Random random)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(random);
        var task = _texts.Get(prompt.Scenario, prompt.Goal);
        return Choose(ConversationState.Read(prompt, task.Kind), random);
    }

    /// <summary>Chooses and renders the action for a parsed prompt.</summary>
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

    /// <summary>The policy's strategy: a move for the state the agent sees.</summary>
    protected abstract SocialMove Choose(in ConversationState state, Random random);
}
