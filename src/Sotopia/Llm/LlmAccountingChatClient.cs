using Microsoft.Extensions.AI;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: usage and cost. Before the call, the campaign's <see cref="LlmBudgetGate"/> (a paused
/// campaign's calls wait); after it, the call's <see cref="CallUsage"/> — the endpoint's token counts (prompt,
/// completion, cached) or, when it sent none, the prompt and answer counted in the model's encoding — charged to
/// the campaign.</summary>
internal sealed class LlmAccountingChatClient(IChatClient inner, LlmBudgetGate? budget) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var episodeId = call.Request.EpisodeId;
        if (budget is not null && episodeId is not null)
        {
            await budget.WaitAsync(episodeId, cancellationToken).ConfigureAwait(false);
        }
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var model = string.IsNullOrWhiteSpace(response.ModelId) ? call.Model : response.ModelId;
        call.Usage = response.Usage is { InputTokenCount: { } input, OutputTokenCount: { } output } usage
            ? new CallUsage(model, (int)input, (int)output, (int)(usage.CachedInputTokenCount ?? 0), call.Latency)
            : new CallUsage(model, call.PromptTokens, call.CountTokens(response.Text), 0, call.Latency);
        if (budget is not null && episodeId is not null)
        {
            budget.Record(episodeId, call.Usage);
        }
        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
