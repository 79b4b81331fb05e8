namespace SotopiaPi.TestInfrastructure;

/// <summary>One chat-completion request as the fake server received it.</summary>
/// <param name="Index">0-based arrival order.</param>
/// <param name="Model">The "model" field.</param>
/// <param name="Prompt">The content of the (last) user message.</param>
/// <param name="ResponseFormat">response_format.type, or null when absent.</param>
/// <param name="SchemaName">response_format.json_schema.name, or null.</param>
/// <param name="Temperature">The "temperature" field, or null.</param>
/// <param name="MaxTokens">"max_completion_tokens" (or "max_tokens"), or null.</param>
/// <param name="Authorization">The Authorization header.</param>
/// <param name="ArrivedAt">Server time since start when it arrived.</param>
public sealed record FakeOpenAiRequest(
    int Index,
    string Model,
    string Prompt,
    string? ResponseFormat,
    string? SchemaName,
    double? Temperature,
    int? MaxTokens,
    string? Authorization,
    TimeSpan ArrivedAt)
{
    /// <summary>Server time since start when its answer was sent (after any scripted delay).</summary>
    public TimeSpan? AnsweredAt { get; set; }

    /// <summary>The status the fake answered with.</summary>
    public int? Status { get; set; }
}
