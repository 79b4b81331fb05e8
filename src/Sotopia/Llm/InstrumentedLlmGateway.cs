using System.Diagnostics;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Puts every model call in a <c>sotopia.llm.call</c> span (role, model, tokens, retries) and records
/// the call's latency, tokens and retries in the SotopiaPi meter.</summary>
internal sealed class InstrumentedLlmGateway(ILlmGateway inner, SotopiaInstruments instruments, TimeProvider time) : ILlmGateway
{
    public string DefaultModel(string role) => inner.DefaultModel(role);

    public async Task<LlmAnswer> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        var model = request.Model ?? inner.DefaultModel(request.Role);
        using var activity = SotopiaActivities.StartLlmCall(request.Role, model);
        var started = time.GetTimestamp();
        try
        {
            var answer = await inner.CompleteAsync(request, cancellationToken);
            var retries = answer.Attempts - 1;
            for (var i = 0; i < retries; i++)
            {
                instruments.LlmRetried(request.Role, answer.Usage.Model, "retried");
            }
            SotopiaActivities.RecordLlmUsage(activity, answer.Usage, retries, TimeSpan.Zero);
            instruments.LlmCallCompleted(request.Role, answer.Usage.Model, time.GetElapsedTime(started),
                answer.Usage.PromptTokens, answer.Usage.CompletionTokens, answer.Usage.CachedTokens, succeeded: true);
            return answer;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SotopiaActivities.RecordFailure(activity, ex);
            instruments.LlmCallCompleted(request.Role, model, time.GetElapsedTime(started), 0, 0, 0, succeeded: false);
            throw;
        }
    }
}
