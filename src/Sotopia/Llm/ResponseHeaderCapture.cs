using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>An OpenAI SDK pipeline policy (per try) that hands each response's headers to the pipeline step that
/// sent the request: Microsoft.Extensions.AI's <c>ChatResponse</c> keeps the completion but not the HTTP response,
/// and the rate-limit headers (<c>x-ratelimit-*</c>) of successful answers are what the limiter learns from. The
/// step calls <see cref="Begin"/> before sending; the box flows with the async call (an
/// <see cref="AsyncLocal{T}"/> of this instance) down to this policy.</summary>
internal sealed class ResponseHeaderCapture : PipelinePolicy
{
    private readonly AsyncLocal<StrongBox<IReadOnlyList<KeyValuePair<string, string>>?>?> _current = new();

    /// <summary>A box that receives the headers of the next response in this async flow.</summary>
    public StrongBox<IReadOnlyList<KeyValuePair<string, string>>?> Begin()
    {
        var box = new StrongBox<IReadOnlyList<KeyValuePair<string, string>>?>();
        _current.Value = box;
        return box;
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Capture(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Capture(message);
    }

    private void Capture(PipelineMessage message)
    {
        if (_current.Value is { } box && message.Response is { } response)
        {
            box.Value = [.. response.Headers];
        }
    }
}
