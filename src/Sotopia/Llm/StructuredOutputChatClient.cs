using System.ClientModel;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: a request with a <see cref="LlmRequest.Schema"/> asks for structured output
/// (<c>response_format: json_schema</c>, strict) unless the role's <c>structured_outputs</c> is off or the endpoint
/// already rejected that schema. If the endpoint rejects <c>response_format</c> (HTTP 400/422/501 naming it), the
/// request is repeated at once asking for plain JSON — within the same attempt — and the endpoint's limiter
/// remembers the schema as unsupported; with <c>structured_outputs: on</c> the rejection is an error.</summary>
internal sealed class StructuredOutputChatClient(IChatClient inner, ILogger logger) : DelegatingChatClient(inner)
{
    private readonly ConcurrentDictionary<LlmResponseSchema, ChatResponseFormat> _formats = new();

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var schema = call.Request.Schema;
        call.Structured = schema is not null && call.Role.StructuredOutputs != StructuredOutputMode.Off && !call.Limiter.RejectsSchema(schema.Name);
        if (!call.Structured)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        var structured = options!.Clone();
        structured.ResponseFormat = _formats.GetOrAdd(schema!, s => ChatResponseFormat.ForJsonSchema(ParseSchema(s.Json), s.Name));
        structured.AdditionalProperties![StrictKey] = schema!.Strict;
        try
        {
            return await base.GetResponseAsync(messages, structured, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex) when (IsSchemaRejection(ex))
        {
            var error = $"HTTP {ex.Status} {OpenAiErrorMessage.FromBody(OpenAiErrorMessage.BodyOf(ex))}".TrimEnd();
            if (call.Role.StructuredOutputs == StructuredOutputMode.On)
            {
                throw call.Fail($"the endpoint rejected structured output (structured_outputs: on): {error}", ex.Status, false);
            }
            call.Limiter.MarkSchemaRejected(schema.Name);
            LlmLog.StructuredOutputRejected(logger, call.Endpoint, call.Model, schema.Name);
            call.Structured = false;
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");

    /// <summary>The key Microsoft.Extensions.AI.OpenAI reads to mark a JSON schema strict.</summary>
    private const string StrictKey = "strict";

    private static JsonElement ParseSchema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static bool IsSchemaRejection(ClientResultException ex)
    {
        if (ex.Status is not (400 or 422 or 501))
        {
            return false;
        }
        var body = OpenAiErrorMessage.BodyOf(ex);
        return body.Contains("response_format", StringComparison.OrdinalIgnoreCase)
            || body.Contains("json_schema", StringComparison.OrdinalIgnoreCase)
            || body.Contains("structured output", StringComparison.OrdinalIgnoreCase);
    }
}
