using System.Collections.Immutable;

namespace SotopiaPi.TestInfrastructure;

/// <summary>What the fake server answers one request with: a chat completion (content + usage) or an error status
/// with a body, optional headers, after an optional delay.</summary>
public sealed record FakeOpenAiReply
{
    public int Status { get; init; } = 200;
    /// <summary>The assistant message content (for 200).</summary>
    public string Content { get; init; } = "";
    /// <summary>The "model" reported; null = the requested model.</summary>
    public string? Model { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }
    public int CachedTokens { get; init; }
    /// <summary>Leave the usage block out of the answer.</summary>
    public bool OmitUsage { get; init; }
    /// <summary>The raw body for errors (or to override the completion JSON).</summary>
    public string? Body { get; init; }
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;
    public TimeSpan Delay { get; init; }

    public static FakeOpenAiReply Answer(string content) => new() { Content = content };

    public static FakeOpenAiReply Error(int status, string message, params (string Name, string Value)[] headers) => new()
    {
        Status = status,
        Body = System.Text.Json.JsonSerializer.Serialize(new { error = new { message, type = "test_error", param = (string?)null, code = (string?)null } }),
        Headers = headers.ToImmutableDictionary(h => h.Name, h => h.Value),
    };

    public FakeOpenAiReply WithHeaders(params (string Name, string Value)[] headers) =>
        this with { Headers = Headers.SetItems(headers.Select(h => KeyValuePair.Create(h.Name, h.Value))) };
}
