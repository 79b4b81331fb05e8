using SotopiaPi.Grains.Data;
using SotopiaPi.Grains.Filtering;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Sft;

namespace SotopiaPi.Grains.Campaigns;

/// <summary>Writes a round's filtered trajectories as a chat-JSONL SFT dataset into the artifact store
/// (<c>datasets/&lt;campaign&gt;/round-&lt;n&gt;.chat.jsonl</c>) and returns where, its hash and size.</summary>
public static class RoundDatasetExporter
{
    public sealed record Result(string Path, string Hash, int Examples);

    public static async Task<Result> ExportAsync(
        ISotopiaStore store,
        IArtifactStore artifacts,
        string campaignId,
        int round,
        IReadOnlyList<FilteredTrajectory> trajectories,
        CampaignSpec spec,
        CancellationToken cancellationToken)
    {
        var examples = await BuildExamplesAsync(store, trajectories, spec.Trainer.MaxPromptTokens, reproduceBracketQuirk: false, spec.Seed, cancellationToken);
        var path = $"datasets/{campaignId}/round-{round}.chat.jsonl";
        var hash = await artifacts.WriteAsync(path, stream => SftWriter.WriteAsync(examples, SftFormat.Chat, stream, cancellationToken), cancellationToken);
        return new Result(path, hash, examples.Count);
    }

    /// <summary>Loads the episodes behind the trajectories and renders one example per turn of each chosen seat.</summary>
    public static async Task<IReadOnlyList<SftExample>> BuildExamplesAsync(
        ISotopiaStore store,
        IReadOnlyList<FilteredTrajectory> trajectories,
        int maxPromptTokens,
        bool reproduceBracketQuirk,
        long seed,
        CancellationToken cancellationToken)
    {
        var index = new DatasetIndex(await store.LoadDatasetAsync(cancellationToken));
        var sources = new List<SftSource>(trajectories.Count);
        foreach (var trajectory in trajectories)
        {
            var episode = await store.GetEpisodeAsync(trajectory.EpisodeId, cancellationToken)
                ?? throw new InvalidOperationException($"Episode '{trajectory.EpisodeId}' vanished from the store.");
            var turns = await store.GetTurnsAsync(episode.Id, cancellationToken);
            sources.Add(new SftSource(trajectory, index.GetSetup(episode), turns));
        }
        var options = new SftOptions { MaxPromptTokens = maxPromptTokens, ReproduceBracketQuirk = reproduceBracketQuirk, ShuffleSeed = seed };
        return SftExporter.Export(sources, options).Examples;
    }
}
