using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The SOTOPIA-Eval judge on a language model: one call per episode scoring both seats on the 7 dimensions
/// with reasoning (<see cref="JudgePromptRenderer"/>; structured output with
/// <see cref="JudgePromptRenderer.StructuredOutputSchema"/> where supported), read and range-checked by
/// <see cref="JudgeAnswerParser"/>; a bad answer gets one repair call; then — or when the endpoint fails for good —
/// the outcome is a recorded <see cref="EvaluationOutcome.Failed"/>, never scores of zero.</summary>
public sealed class LlmJudge(ILlmGateway gateway, string model) : IEpisodeJudge
{
    /// <summary>The judge answer as structured-output schema (every dimension an object with reasoning and score).</summary>
    public static LlmResponseSchema Schema { get; } = new("sotopia_evaluation", JudgePromptRenderer.StructuredOutputSchema);

    public string Model => model;

    public async ValueTask<EvaluationOutcome> JudgeAsync(EpisodeJudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = JudgePromptRenderer.Render(request);
        LlmAnswer first;
        try
        {
            first = await gateway.CompleteAsync(
                new LlmRequest(AgentRoles.Judge, prompt) { Model = model, Schema = Schema, EpisodeId = request.EpisodeId, Purpose = "judge" },
                cancellationToken);
        }
        catch (LlmCallException ex)
        {
            return EvaluationOutcome.Failed(new EvaluationFailure($"judge call failed: {ex.Message}"));
        }
        if (JudgeAnswerParser.TryParse(first.Text, out var evaluation, out var error, JudgeModel(first)))
        {
            return EvaluationOutcome.Success(evaluation, first.Usage);
        }

        var repairPrompt = RepairPrompts.Render(first.Text, error, JudgePromptRenderer.StructuredOutputSchema, "an evaluation of both participants of a role-play");
        LlmAnswer repair;
        try
        {
            repair = await gateway.CompleteAsync(
                new LlmRequest(AgentRoles.Judge, repairPrompt) { Model = model, Schema = Schema, Temperature = 0f, EpisodeId = request.EpisodeId, Purpose = "repair" },
                cancellationToken);
        }
        catch (LlmCallException ex)
        {
            return EvaluationOutcome.Failed(new EvaluationFailure($"unreadable judge answer ({error}); the repair call failed: {ex.Message}", first.Text), first.Usage);
        }
        var usage = CallUsages.Add(first.Usage, repair.Usage);
        if (JudgeAnswerParser.TryParse(repair.Text, out var repaired, out var repairError, JudgeModel(repair)))
        {
            return EvaluationOutcome.Success(repaired, usage);
        }
        return EvaluationOutcome.Failed(
            new EvaluationFailure($"unreadable judge answer after one repair: {repairError} (first answer: {error})", repair.Text), usage);
    }

    private string JudgeModel(LlmAnswer answer) => string.IsNullOrEmpty(answer.Usage.Model) ? model : answer.Usage.Model;
}
