using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>What <c>sotopia models check</c> found for one endpoint and model.</summary>
/// <param name="Roles">The roles that use this endpoint and model.</param>
/// <param name="BaseUrl">The endpoint.</param>
/// <param name="Model">The model asked for.</param>
public sealed record ModelCheckResult(ImmutableArray<string> Roles, Uri BaseUrl, string Model)
{
    /// <summary>The model that answered (as the endpoint reports it).</summary>
    public string? AnsweredModel { get; init; }
    public TimeSpan? Latency { get; init; }
    /// <summary>"yes", "no (…)", or "off (configured)".</summary>
    public string StructuredOutputs { get; init; } = "unknown";
    /// <summary>Whether the answer was the JSON asked for.</summary>
    public bool AnswerValid { get; init; }
    public ImmutableDictionary<string, string> RateLimitHeaders { get; init; } = ImmutableDictionary<string, string>.Empty;
    /// <summary>Why the check failed, or null.</summary>
    public string? Error { get; init; }

    public bool Ok => Error is null && AnswerValid;
}
