using Microsoft.Extensions.AI;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The end of the pipeline: sends the call to the Microsoft.Extensions.AI <see cref="IChatClient"/> of its
/// role's endpoint and model (the OpenAI SDK's chat client, <c>AsIChatClient()</c>), created on first use.</summary>
internal sealed class LlmEndpointChatClient(Func<LlmCall, IChatClient> clientFor) : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("openai");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        clientFor(LlmCall.Of(options)).GetResponseAsync(messages, options, cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The SotopiaPi LLM pipeline does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
