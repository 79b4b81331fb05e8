using Microsoft.Extensions.AI;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: every call in a <c>sotopia.llm.call</c> span (role, model, tokens, retries, time spent
/// waiting for limits) and, with <see cref="SotopiaInstruments"/>, its latency and tokens in the SotopiaPi meter.
/// Each HTTP attempt below it also gets a <c>gen_ai</c> span from Microsoft.Extensions.AI's OpenTelemetry
/// middleware.</summary>
internal sealed class LlmTelemetryChatClient(IChatClient inner, SotopiaInstruments? instruments, TimeProvider time) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        using var activity = SotopiaActivities.StartLlmCall(call.Role.Role, call.Model);
        var started = time.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            var usage = call.Usage!;
            SotopiaActivities.RecordLlmUsage(activity, usage, call.Attempts - 1, call.RateLimitWait);
            instruments?.LlmCallCompleted(call.Role.Role, usage.Model ?? call.Model, time.GetElapsedTime(started),
                usage.PromptTokens, usage.CompletionTokens, usage.CachedTokens, succeeded: true);
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SotopiaActivities.RecordFailure(activity, ex);
            instruments?.LlmCallCompleted(call.Role.Role, call.Model, time.GetElapsedTime(started), 0, 0, 0, succeeded: false);
            throw;
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
