using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Sums model usage — every turn's and every judgement's <see cref="CallUsage"/> — into per-model and total
/// figures, priced with a campaign's price table.</summary>
public static class CampaignUsageCalculator
{
    /// <summary>Usage of every episode of <paramref name="campaignId"/> as stored (turns and judge outcomes).</summary>
    public static async Task<CampaignUsage> ComputeAsync(IEpisodeStore store, string campaignId, CampaignBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(budget);
        var usages = new List<CallUsage>();
        const int page = 5_000;
        for (var offset = 0; ; offset += page)
        {
            var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Offset = offset, Limit = page }, cancellationToken);
            foreach (var episode in episodes)
            {
                if (episode.Status == EpisodeStatus.Pending)
                {
                    continue;
                }
                foreach (var turn in await store.GetTurnsAsync(episode.Id, cancellationToken))
                {
                    if (turn.Usage is { } usage)
                    {
                        usages.Add(usage);
                    }
                }
                if (episode.Outcome?.Usage is { } judge)
                {
                    usages.Add(judge);
                }
            }
            if (episodes.Count < page)
            {
                break;
            }
        }
        return Summarize(usages, budget);
    }

    /// <summary>Totals and per-model figures of <paramref name="usages"/>, priced with <paramref name="budget"/>'s table.</summary>
    public static CampaignUsage Summarize(IEnumerable<CallUsage> usages, CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(usages);
        ArgumentNullException.ThrowIfNull(budget);
        var byModel = new Dictionary<string, (long Calls, long Prompt, long Completion, long Cached, decimal Cost)>(StringComparer.Ordinal);
        var unpriced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var usage in usages)
        {
            var model = usage.Model ?? "";
            var price = budget.PriceOf(model);
            if (price is null)
            {
                unpriced.Add(model);
            }
            byModel.TryGetValue(model, out var sum);
            byModel[model] = (sum.Calls + 1, sum.Prompt + usage.PromptTokens, sum.Completion + usage.CompletionTokens,
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
