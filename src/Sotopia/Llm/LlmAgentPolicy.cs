using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>An agent played by a language model (π-agent, π-partner or expert). The rendered prompt goes to the
/// role's endpoint asking for the action JSON (structured output with <see cref="AgentPromptRenderer.ActionSchema"/>
/// where supported); a malformed answer — broken JSON, an unknown action type, a missing argument — gets one repair
/// call; if that fails too, the turn becomes <c>none</c> with the reason as its note (SOTOPIA's behaviour, but
/// recorded). An endpoint that fails for good throws <see cref="LlmCallException"/>, which fails the episode with
/// the reason. The usage of every call of the turn is on the decision.</summary>
public sealed class LlmAgentPolicy(ILlmGateway gateway, string role, string model) : IAgentPolicy
{
    /// <summary>The action schema as structured-output schema.</summary>
    public static LlmResponseSchema Schema { get; } = new("sotopia_action", AgentPromptRenderer.ActionSchema);

    public string Role => role;

    public string Model => model;

    public async ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var first = await gateway.CompleteAsync(
            new LlmRequest(role, request.Prompt) { Model = model, Schema = Schema, EpisodeId = request.EpisodeId, Purpose = "turn" },
            cancellationToken);
        if (AgentActionParser.TryParse(first.Text, out var action, out var error))
        {
            return new AgentDecision(action, null, first.Usage);
        }

        var repairPrompt = RepairPrompts.Render(first.Text, error, AgentPromptRenderer.ActionSchema, "a role-play agent's action for this turn");
        var repair = await gateway.CompleteAsync(
            new LlmRequest(role, repairPrompt) { Model = model, Schema = Schema, Temperature = 0f, EpisodeId = request.EpisodeId, Purpose = "repair" },
            cancellationToken);
        var usage = CallUsages.Add(first.Usage, repair.Usage);
        if (AgentActionParser.TryParse(repair.Text, out var repaired, out var repairError))
        {
            return new AgentDecision(repaired, $"answer repaired by a second call (first answer: {error})", usage);
        }
        return new AgentDecision(AgentAction.None, $"unparseable answer after one repair: {repairError} (first answer: {error})", usage);
    }
}
