using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Arithmetic on <see cref="CallUsage"/>.</summary>
public static class CallUsages
{
    /// <summary>Both calls' tokens and latencies added; the model of the later call (or the earlier one if the
    /// later has none).</summary>
    public static CallUsage Add(CallUsage? first, CallUsage second)
    {
        ArgumentNullException.ThrowIfNull(second);
        if (first is null)
        {
            return second;
        }
        return new CallUsage(
            string.IsNullOrEmpty(second.Model) ? first.Model : second.Model,
            first.PromptTokens + second.PromptTokens,
            first.CompletionTokens + second.CompletionTokens,
            first.CachedTokens + second.CachedTokens,
            first.Latency + second.Latency);
    }
}
