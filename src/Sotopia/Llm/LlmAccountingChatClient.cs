using Microsoft.Extensions.AI;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: usage and cost. Before the call, the campaign's <see cref="LlmBudgetGate"/> reserves its
/// estimate (the prompt's tokens in the model's encoding + the answer limit; a paused campaign's calls, and calls that
/// would pass the budget, wait); after it, the call's <see cref="CallUsage"/> — the endpoint's token counts (prompt,
/// completion, cached) or, when it sent none, the prompt and answer counted in the model's encoding — replaces the
/// reservation. A failed or cancelled call releases it.</summary>
internal sealed class LlmAccountingChatClient(IChatClient inner, LlmBudgetGate? budget) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var episodeId = call.Request.EpisodeId;
        using var reservation = budget is not null && episodeId is not null
            ? await budget.ReserveAsync(episodeId, call.Model, call.PromptTokens, options?.MaxOutputTokens ?? call.AnswerLimit, cancellationToken).ConfigureAwait(false)
            : BudgetReservation.None;
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var model = string.IsNullOrWhiteSpace(response.ModelId) ? call.Model : response.ModelId;
        call.Usage = response.Usage is { InputTokenCount: { } input, OutputTokenCount: { } output } usage
            ? new CallUsage(model, (int)input, (int)output, (int)(usage.CachedInputTokenCount ?? 0), call.Latency)
            : new CallUsage(model, call.PromptTokens, call.CountTokens(response.Text), 0, call.Latency);
        reservation.Complete(call.Usage);
        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
