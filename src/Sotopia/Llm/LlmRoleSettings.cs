namespace SotopiaPi.Sotopia.Llm;

/// <summary>The resolved settings of one role (π-agent = <c>policy</c>, π-partner = <c>partner</c>, <c>expert</c>,
/// <c>judge</c>, <c>generator</c>): where it calls, with which model and sampling settings, and the limits of that
/// endpoint. The API key is never stored here, only the name of the environment variable holding it.</summary>
public sealed record LlmRoleSettings
{
    public required string Role { get; init; }
    /// <summary>The OpenAI-compatible base URL, including the version path (e.g. <c>https://api.openai.com/v1</c>,
    /// <c>http://vllm:8000/v1</c>, <c>https://NAME.openai.azure.com/openai/v1/</c>).</summary>
    public required Uri BaseUrl { get; init; }
    /// <summary>The environment variable that holds the API key.</summary>
    public required string ApiKeyVariable { get; init; }
    /// <summary>The model (for the π-agent: the base version's model; later versions call their own model).</summary>
    public required string Model { get; init; }
    public float? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>How long one attempt may take before it counts as timed out (and is retried).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Calls in flight at once to this endpoint (shared by the roles that use the same endpoint and model).</summary>
    public int MaxConcurrency { get; init; } = 32;
    /// <summary>Requests per minute; null = learned from <c>x-ratelimit-limit-requests</c> when the endpoint sends it.</summary>
    public int? RequestsPerMinute { get; init; }
    /// <summary>Tokens per minute (prompt estimate + max tokens are reserved before sending); null = learned from
    /// <c>x-ratelimit-limit-tokens</c>.</summary>
    public int? TokensPerMinute { get; init; }
    public StructuredOutputMode StructuredOutputs { get; init; } = StructuredOutputMode.Auto;

    /// <summary>Roles with the same key share one limiter (concurrency cap, rate buckets, slow-down state).</summary>
    public string LimiterKey => $"{BaseUrl.AbsoluteUri.TrimEnd('/')}|{ApiKeyVariable}|{Model}";
}
