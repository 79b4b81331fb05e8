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

    /// <summary>The check an answer must pass (else it gets one repair call).</summary>
    public static LlmAnswerCheck Check { get; } = new(
        text => AgentActionParser.TryParse(text, out _, out var error) ? null : error,
        AgentPromptRenderer.ActionSchema,
        "a role-play agent's action for this turn");

    public async ValueTask<AgentDecision> DecideAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await gateway.CompleteAsync(
            new LlmRequest(role, request.Prompt) { Model = model, Schema = Schema, Check = Check, EpisodeId = request.EpisodeId, Purpose = "turn" },
            cancellationToken);
        if (answer.Repair?.CallFailure is { } failure)
        {
            throw failure;
        }
        if (AgentActionParser.TryParse(answer.Text, out var action, out var error))
        {
            return new AgentDecision(action, answer.Repair is { } repair ? $"answer repaired by a second call (first answer: {repair.FirstError})" : null, answer.Usage);
        }
        return new AgentDecision(AgentAction.None, $"unparseable answer after one repair: {error} (first answer: {answer.Repair?.FirstError})", answer.Usage);
    }
}
