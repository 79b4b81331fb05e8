namespace SotopiaPi.Sotopia.Reports;

/// <summary>Model usage and its cost; every part is null when the source does not record it (a report shows
/// "—" then).</summary>
public sealed record UsageTotals(long? PromptTokens, long? CompletionTokens, decimal? CostUsd)
{
    public static UsageTotals Unknown { get; } = new(null, null, null);

    public long? TotalTokens => PromptTokens is null && CompletionTokens is null ? null : (PromptTokens ?? 0) + (CompletionTokens ?? 0);

    public bool IsKnown => TotalTokens is not null || CostUsd is not null;
}
