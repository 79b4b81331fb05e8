using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Sums model usage — every turn's and every judgement's <see cref="CallUsage"/> — into per-model and total
/// figures, priced with a campaign's price table.</summary>
public static class CampaignUsageCalculator
{
    /// <summary>Usage of every episode of <paramref name="campaignId"/> as stored (turns and judge outcomes), from the
    /// episodes' report rows (<see cref="IEpisodeStore.ListEpisodeReportRowsAsync"/>: per-episode totals per model, kept
    /// by the store as episodes end; running episodes' from their turns in one query): no turn is read one episode at
    /// a time.</summary>
    public static async Task<CampaignUsage> ComputeAsync(IEpisodeStore store, string campaignId, CampaignBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(budget);
        var rows = await store.ListEpisodeReportRowsAsync(campaignId, cancellationToken).ConfigureAwait(false);
        return Summarize(rows.SelectMany(r => r.Usage), budget);
    }

    /// <summary>Totals and per-model figures of per-episode totals (<see cref="ModelCalls"/>), priced with
    /// <paramref name="budget"/>'s table (each episode's totals priced as one call: prices are linear in tokens).</summary>
    public static CampaignUsage Summarize(IEnumerable<ModelCalls> totals, CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return Summarize(totals.Select(t => (t.Totals, (long)t.Calls)), budget);
    }

    /// <summary>Totals and per-model figures of <paramref name="usages"/>, priced with <paramref name="budget"/>'s table.</summary>
    public static CampaignUsage Summarize(IEnumerable<CallUsage> usages, CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(usages);
        return Summarize(usages.Select(u => (u, 1L)), budget);
    }

    private static CampaignUsage Summarize(IEnumerable<(CallUsage Usage, long Calls)> usages, CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var byModel = new Dictionary<string, (long Calls, long Prompt, long Completion, long Cached, decimal Cost)>(StringComparer.Ordinal);
        var unpriced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (usage, calls) in usages)
        {
            var model = usage.Model ?? "";
            var price = budget.PriceOf(model);
            if (price is null)
            {
                unpriced.Add(model);
            }
            byModel.TryGetValue(model, out var sum);
            byModel[model] = (sum.Calls + calls, sum.Prompt + usage.PromptTokens, sum.Completion + usage.CompletionTokens,
                sum.Cached + usage.CachedTokens, sum.Cost + (price?.Cost(usage) ?? 0m));
        }
        var models = byModel.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new ModelUsage
        {
            Model = m.Key,
            Calls = m.Value.Calls,
            PromptTokens = m.Value.Prompt,
            CompletionTokens = m.Value.Completion,
            CachedTokens = m.Value.Cached,
            CostUsd = unpriced.Contains(m.Key) ? null : m.Value.Cost,
        }).ToImmutableArray();
        return new CampaignUsage
        {
            Calls = models.Sum(m => m.Calls),
            PromptTokens = models.Sum(m => m.PromptTokens),
            CompletionTokens = models.Sum(m => m.CompletionTokens),
            CachedTokens = models.Sum(m => m.CachedTokens),
            CostUsd = models.Sum(m => m.CostUsd ?? 0m),
            ByModel = models,
            UnpricedModels = [.. unpriced],
        };
    }
}
