using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>What the pre-run check found for one endpoint (base URL + key variable) and the roles that use it.</summary>
/// <param name="Roles">The roles that call this endpoint.</param>
/// <param name="BaseUrl">The endpoint.</param>
public sealed record EndpointCheckResult(ImmutableArray<string> Roles, Uri BaseUrl)
{
    /// <summary>How many models the endpoint lists, when it answered.</summary>
    public int? Models { get; init; }

    public TimeSpan? Latency { get; init; }

    /// <summary>Why the endpoint cannot be used (the request, URL and error; never a key), or null.</summary>
    public string? Error { get; init; }

    public bool Ok => Error is null;

    /// <summary>One line: "LLM endpoint for partner, judge (http://…/v1) is not usable: GET http://…/v1/models failed:
    /// connection failed: Connection refused (127.0.0.1:9)", or "… answered: 12 models in 35 ms".</summary>
    public string Describe() => Ok
        ? $"LLM endpoint for {string.Join(", ", Roles)} ({BaseUrl}) answered: {Models} models in {Latency?.TotalMilliseconds:0} ms"
        : $"LLM endpoint for {string.Join(", ", Roles)} ({BaseUrl}) is not usable: {Error}";
}
