using Microsoft.Extensions.AI;
using Polly;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>One gateway call as it travels through the <see cref="IChatClient"/> pipeline: what was asked (role,
/// model, endpoint, limiter, the prompt's token estimate) and what the middleware found out on the way (attempts,
/// whether structured output was used, rate-limit headers, latency, usage, the repair). Carried in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="Key"/>; never sent to the endpoint.</summary>
internal sealed class LlmCall(LlmRequest request, LlmRoleSettings role, string model, EndpointLimiter limiter, Func<LlmCall, string, int?, bool, LlmCallException> fail)
{
    public const string Key = "sotopia.llm.call";

    /// <summary>The same context in a Polly <see cref="ResilienceContext"/>.</summary>
    public static readonly ResiliencePropertyKey<LlmCall?> ResilienceKey = new(Key);

    private readonly TiktokenTokenEstimator _tokens = TiktokenTokenEstimator.ForModel(model);
    private int? _promptTokens;

    public LlmRequest Request { get; } = request;

    public LlmRoleSettings Role { get; } = role;

    public string Model { get; } = model;

    /// <summary>host[:port] of the role's base URL, for messages.</summary>
    public string Endpoint { get; } = $"{role.BaseUrl.Host}{(role.BaseUrl.IsDefaultPort ? "" : ":" + role.BaseUrl.Port)}";

    public EndpointLimiter Limiter { get; } = limiter;

    /// <summary>The prompt's tokens in the model's encoding (<see cref="Prompts.TiktokenTokenEstimator"/>).</summary>
    public int PromptTokens => _promptTokens ??= _tokens.EstimateTokens(Request.Prompt);

    /// <summary>What an answer is assumed to use at most when the role sets no <c>max_tokens</c>.</summary>
    public const int DefaultAnswerLimit = 512;

    /// <summary>The role's answer limit, or <see cref="DefaultAnswerLimit"/>.</summary>
    public int AnswerLimit => Role.MaxTokens ?? DefaultAnswerLimit;

    /// <summary>What the token bucket reserves before sending: the prompt's tokens + the answer limit.</summary>
    public int ReservedTokens => PromptTokens + AnswerLimit;

    /// <summary>Attempts made by the retry strategy (a structured-output fallback is part of its attempt).</summary>
    public int Attempts { get; set; }

    public bool Structured { get; set; }

    public RateLimitHeaders Headers { get; set; } = RateLimitHeaders.None;

    /// <summary>Latency of the successful attempt.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Time spent waiting for the endpoint's limits (concurrency, buckets, slow-down).</summary>
    public TimeSpan RateLimitWait { get; set; }

    /// <summary>The call's usage (both calls' when the answer was repaired).</summary>
    public CallUsage? Usage { get; set; }

    public LlmRepair? Repair { get; set; }

    /// <summary>The call as <see cref="ChatOptions"/>: model, temperature, answer limit, and this context.</summary>
    /// <remarks>No <see cref="ChatOptions.ModelId"/>: the endpoint's chat client is already the model's, and a
    /// model id in the options makes the OpenAI SDK patch every request body (a measurable cost per call).</remarks>
    public ChatOptions ToOptions() => new()
    {
        Temperature = Request.Temperature ?? Role.Temperature,
        MaxOutputTokens = Role.MaxTokens,
        AdditionalProperties = new AdditionalPropertiesDictionary { [Key] = this },
    };

    /// <summary>The same call with another prompt (for the repair call).</summary>
    public LlmCall With(LlmRequest other) => new(other, Role, Model, Limiter, fail);

    /// <summary>Tokens of <paramref name="text"/> in the model's encoding (for answers without usage).</summary>
    public int CountTokens(string text) => _tokens.EstimateTokens(text);

    /// <summary>The context of a Polly execution.</summary>
    public static LlmCall Of(ResilienceContext context) =>
        context.Properties.GetValue(ResilienceKey, null) ?? throw new InvalidOperationException("The resilience context carries no LLM call.");

    /// <summary>A failure naming role, purpose, endpoint and model, with keys removed, and logged.</summary>
    public LlmCallException Fail(string error, int? status, bool retryable) => fail(this, error, status, retryable);

    public static LlmCall Of(ChatOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(Key, out var value) && value is LlmCall call
            ? call
            : throw new InvalidOperationException($"The SotopiaPi LLM pipeline needs its call context in ChatOptions.AdditionalProperties[\"{Key}\"].");
}
