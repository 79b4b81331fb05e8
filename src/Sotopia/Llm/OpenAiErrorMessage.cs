using System.ClientModel;
using System.Text.Json;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The server's message in an error response of an OpenAI-compatible API.</summary>
public static class OpenAiErrorMessage
{
    /// <summary>The error text of an OpenAI-style (<c>{"error": {"message": …}}</c>), vLLM-style
    /// (<c>{"message": …}</c>) or FastAPI-style (<c>{"detail": …}</c>) error body, else the body itself; on one
    /// line, at most 300 characters.</summary>
    public static string FromBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(message.GetString()!);
                    }
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(error.GetString()!);
                    }
                }
                foreach (var name in new[] { "message", "detail" })
                {
                    if (root.TryGetProperty(name, out var value))
                    {
                        return Shorten(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the text.
        }
        return Shorten(body);
    }

    /// <summary>The body of an SDK error response ("" when there is none or it cannot be read).</summary>
    public static string BodyOf(ClientResultException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        try
        {
            return exception.GetRawResponse()?.Content?.ToString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
