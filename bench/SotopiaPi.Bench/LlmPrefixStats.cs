using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Bench;

/// <summary>For each agent (episode × seat), the share of each of its prompts that is an exact prefix of its next
/// prompt — what lets vLLM's prefix cache and OpenAI's prompt caching reuse work — and the prompt sizes.</summary>
internal sealed record LlmPrefixStats(int Agents, int Pairs, double MeanShare, double MinShare, double MeanPromptTokens, double MaxPromptTokens)
{
    public static async Task<LlmPrefixStats> MeasureAsync(ISotopiaStore store, SotopiaDataset dataset, IReadOnlyList<EpisodeRecord> episodes)
    {
        var characters = dataset.Characters.ToDictionary(c => c.Id);
        var scenarios = dataset.Scenarios.ToDictionary(s => s.Id);
        var shares = new List<double>();
        var sizes = new List<int>();
        var agents = 0;
        foreach (var episode in episodes)
        {
            var turns = await store.GetTurnsAsync(episode.Id);
            var task = dataset.Tasks.Single(t => t.Id == episode.TaskId);
            var setup = new EpisodeSetup(task, scenarios[task.ScenarioId], characters[task.Agent1Id], characters[task.Agent2Id]);
            for (var seat = 0; seat < 2; seat++)
            {
                agents++;
                var prompts = turns.Where(t => t.Seat == seat)
                    .Select(t => AgentPromptRenderer.Render(setup, seat, turns[..t.Number], t.Number))
                    .ToList();
                sizes.AddRange(prompts.Select(p => TiktokenTokenEstimator.Default.EstimateTokens(p)));
                for (var i = 0; i + 1 < prompts.Count; i++)
                {
                    shares.Add(CommonPrefix(prompts[i], prompts[i + 1]) / (double)prompts[i].Length);
                }
            }
        }
        return new LlmPrefixStats(agents, shares.Count, shares.DefaultIfEmpty().Average(), shares.DefaultIfEmpty().Min(), sizes.DefaultIfEmpty().Average(), sizes.DefaultIfEmpty().Max());
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }
        return i;
    }
}
