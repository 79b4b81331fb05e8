using Microsoft.Extensions.AI;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: an answer that fails the request's <see cref="LlmAnswerCheck"/> gets one repair call
/// (the bad answer, what is wrong with it and the schema, at temperature 0; <see cref="RepairPrompts"/>), which goes
/// through the rest of the pipeline as a call of its own. The answer is then the repair's, with both calls' usage;
/// <see cref="LlmCall.Repair"/> keeps the first answer and its error, or the repair call's failure.</summary>
internal sealed class OutputRepairChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = LlmCall.Of(options);
        var first = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (call.Request.Check is not { } check || check.Validate(first.Text) is not { } error)
        {
            return first;
        }
        var firstUsage = call.Usage!;
        var prompt = RepairPrompts.Render(first.Text, error, check.Schema, check.What);
        var repair = call.With(call.Request with { Prompt = prompt, Temperature = 0f, Purpose = "repair", Check = null });
        ChatResponse repaired;
        try
        {
            repaired = await base.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], repair.ToOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (LlmCallException ex)
        {
            call.Repair = new LlmRepair(first.Text, error, firstUsage, ex);
            return first;
        }
        call.Repair = new LlmRepair(first.Text, error, firstUsage, null);
        call.Usage = CallUsages.Add(firstUsage, repair.Usage!);
        call.Attempts = repair.Attempts;
        call.Structured = repair.Structured;
        call.Headers = repair.Headers;
        call.Latency = repair.Latency;
        return repaired;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
