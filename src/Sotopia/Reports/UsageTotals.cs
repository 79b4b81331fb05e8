namespace SotopiaPi.Sotopia.Reports;

/// <summary>Model usage and its cost; a part is null when it is not known (a report shows "—" then).</summary>
/// <param name="Note">What a reader should know about the figures: "simulator backend: no model calls", "no price
/// for gpt-x (1,234 tokens)", or why they are unknown.</param>
public sealed record UsageTotals(long? PromptTokens, long? CompletionTokens, decimal? CostUsd, string? Note = null)
{
    public static UsageTotals Unknown { get; } = new(null, null, null);

    /// <summary>The simulator calls no model: zero tokens at zero cost, which is known, not missing.</summary>
    public static UsageTotals Simulator { get; } = new(0, 0, 0m, "simulator backend: no model calls");

    public long? TotalTokens => PromptTokens is null && CompletionTokens is null ? null : (PromptTokens ?? 0) + (CompletionTokens ?? 0);

    public bool IsKnown => TotalTokens is not null || CostUsd is not null;
}
