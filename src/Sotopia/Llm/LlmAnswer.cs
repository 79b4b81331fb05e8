using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>A model's answer with its usage.</summary>
/// <param name="Text">The answer's text (the JSON document for structured output).</param>
/// <param name="Usage">Tokens (prompt, completion, cached), latency of the successful attempt, and the model that
/// answered.</param>
/// <param name="Structured">Whether the answer was produced under structured output (false when no schema was asked
/// for, or the endpoint does not support it and plain JSON was asked for instead).</param>
/// <param name="RateLimitHeaders">The rate-limit headers of the response (<c>x-ratelimit-*</c>,
/// <c>retry-after*</c>), for diagnostics.</param>
public sealed record LlmAnswer(string Text, CallUsage Usage, bool Structured, ImmutableDictionary<string, string> RateLimitHeaders)
{
    /// <summary>Attempts it took (1 = no retry).</summary>
    public int Attempts { get; init; } = 1;

    public string? FinishReason { get; init; }

    /// <summary>Set when the first answer failed the request's <see cref="LlmRequest.Check"/> and got a repair call:
    /// <see cref="Text"/> is then the repair's answer (or, if the repair call failed, the first one) and
    /// <see cref="Usage"/> both calls' usage.</summary>
    public LlmRepair? Repair { get; init; }
}
