namespace SotopiaPi.Sotopia.Llm;

/// <summary>One chat completion: a single user message (SOTOPIA sends no system prompt) for a role.</summary>
/// <param name="Role">The role whose endpoint and settings are used (see <c>AgentRoles</c>).</param>
/// <param name="Prompt">The user message.</param>
public sealed record LlmRequest(string Role, string Prompt)
{
    /// <summary>The model to call; null = the role's configured model. The π-agent passes its pinned version's model.</summary>
    public string? Model { get; init; }

    /// <summary>The JSON schema the answer must follow (structured output where the endpoint supports it, plain
    /// JSON otherwise); null = free text.</summary>
    public LlmResponseSchema? Schema { get; init; }

    /// <summary>Overrides the role's temperature (repair calls use 0).</summary>
    public float? Temperature { get; init; }

    /// <summary>The episode the call is for: its campaign's budget is checked and charged. Null = no campaign.</summary>
    public string? EpisodeId { get; init; }

    /// <summary>How to tell a usable answer; an unusable one gets one repair call (see <see cref="LlmAnswer.Repair"/>).
    /// Null = every answer is used as it is.</summary>
    public LlmAnswerCheck? Check { get; init; }

    /// <summary>What the call is for, for logs ("turn", "repair", "judge", "generate", "check").</summary>
    public string Purpose { get; init; } = "call";
}
