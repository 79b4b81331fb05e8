namespace SotopiaPi.Sotopia.Llm;

/// <summary>Sends chat completions to the endpoint configured for a role (π-agent, π-partner, expert, judge,
/// generator). The gateway owns everything between a prompt and an answer: per-endpoint concurrency and rate
/// limits, retries with backoff, structured output with a plain-JSON fallback, the one repair call of an unreadable
/// answer, usage accounting, the campaign budget and telemetry. Implemented by <see cref="LlmGateway"/> as one
/// Microsoft.Extensions.AI chat-client pipeline.</summary>
public interface ILlmGateway
{
    /// <summary>The model a role uses when a request names none.</summary>
    string DefaultModel(string role);

    /// <summary>Returns the model's answer; throws <see cref="LlmCallException"/> when the endpoint failed for good
    /// (after retries, or at once for errors that retrying cannot fix) and <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> is cancelled.</summary>
    Task<LlmAnswer> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default);
}
