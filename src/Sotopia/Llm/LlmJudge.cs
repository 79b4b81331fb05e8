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

    /// <summary>The check an answer must pass (else it gets one repair call).</summary>
    public static LlmAnswerCheck Check { get; } = new(
        text => JudgeAnswerParser.TryParse(text, out _, out var error, "") ? null : error,
        JudgePromptRenderer.StructuredOutputSchema,
        "an evaluation of both participants of a role-play");

    public async ValueTask<EvaluationOutcome> JudgeAsync(EpisodeJudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = JudgePromptRenderer.Render(request);
        LlmAnswer answer;
        try
        {
            answer = await gateway.CompleteAsync(
                new LlmRequest(AgentRoles.Judge, prompt) { Model = model, Schema = Schema, Check = Check, EpisodeId = request.EpisodeId, Purpose = "judge" },
                cancellationToken);
        }
        catch (LlmCallException ex)
        {
            return EvaluationOutcome.Failed(new EvaluationFailure($"judge call failed: {ex.Message}"));
        }
        if (answer.Repair is { CallFailure: { } failure } failed)
        {
            return EvaluationOutcome.Failed(
                new EvaluationFailure($"unreadable judge answer ({failed.FirstError}); the repair call failed: {failure.Message}", failed.FirstAnswer), failed.FirstUsage);
        }
        var judgeModel = string.IsNullOrEmpty(answer.Usage.Model) ? model : answer.Usage.Model;
        if (JudgeAnswerParser.TryParse(answer.Text, out var evaluation, out var error, judgeModel))
        {
            return EvaluationOutcome.Success(evaluation, answer.Usage);
        }
        return EvaluationOutcome.Failed(
            new EvaluationFailure($"unreadable judge answer after one repair: {error} (first answer: {answer.Repair?.FirstError})", answer.Text), answer.Usage);
    }
}
