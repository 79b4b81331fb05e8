using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Simulator;

/// <summary>The simulator's fixed partner policy (GPT-3.5's role in SOTOPIA-π): decent, responsive, but blind to the kind of task and clearly weaker than the expert. Decides only from the prompt, read through the
/// <see cref="IPromptReader"/>, and a random source seeded from the request's seed.</summary>
public sealed class PartnerPolicy(IPromptReader reader) : IAgentPolicy
{
    private readonly IPromptReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly TaskTextCache _texts = new();

    public string Model => SimulatorModels.Partner;

    /// <summary>Chooses the move for a parsed prompt.</summary>
    public SocialMove ChooseMove(ParsedPrompt prompt, Random random)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(random);
        var task = _texts.Get(prompt.Scenario, prompt.Goal);
        return PartnerStrategy.Choose(ConversationState.Read(prompt, task.Kind), random);
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
}
