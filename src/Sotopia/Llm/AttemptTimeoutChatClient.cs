using Microsoft.Extensions.AI;
using Polly;
using Polly.Timeout;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Pipeline step: one HTTP attempt may take at most the role's <see cref="LlmRoleSettings.Timeout"/> (a
/// Polly timeout strategy; the time waited for limits before it does not count). A timed-out attempt throws
/// <see cref="TimeoutRejectedException"/>, which the retry step retries.</summary>
internal sealed class AttemptTimeoutChatClient : DelegatingChatClient
{
    private readonly ResiliencePipeline<ChatResponse> _pipeline;

    public AttemptTimeoutChatClient(IChatClient inner, TimeProvider time)
        : base(inner)
    {
        _pipeline = new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(LlmCall.Of(args.Context).Role.Timeout) })
            .Build();
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LlmCall.ResilienceKey, LlmCall.Of(options));
        try
        {
            return await _pipeline.ExecuteAsync(
                static (context, state) => new ValueTask<ChatResponse>(state.Inner.GetResponseAsync(state.Messages, state.Options, context.CancellationToken)),
                context,
                (Inner: InnerClient, Messages: messages, Options: options)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");
}
