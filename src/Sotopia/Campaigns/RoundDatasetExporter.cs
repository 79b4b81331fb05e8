using System.Collections.Immutable;
using System.Text;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Filtering;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Sft;

namespace SotopiaPi.Sotopia.Campaigns;

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
        var hash = await artifacts.WriteAsync(path, stream => WriteAsync(examples, SftFormat.Chat, stream), cancellationToken);
        return new Result(path, hash, examples.Length);
    }

    /// <summary>Writes examples as JSONL (UTF-8, no BOM).</summary>
    public static async Task WriteAsync(IEnumerable<SftExample> examples, SftFormat format, Stream stream)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        SftExporter.WriteJsonl(examples, writer, format);
        await writer.FlushAsync();
    }

    /// <summary>Loads the episodes behind the trajectories and renders one example per turn of each chosen seat.</summary>
    public static async Task<ImmutableArray<SftExample>> BuildExamplesAsync(
        ISotopiaStore store,
        IReadOnlyList<FilteredTrajectory> trajectories,
        int maxPromptTokens,
        bool reproduceBracketQuirk,
        long seed,
        CancellationToken cancellationToken)
    {
        // Each episode's setup comes from its own dataset version (its campaign's).
        var indexes = new Dictionary<int, DatasetIndex>();
        var episodes = new Dictionary<string, SftEpisode>(StringComparer.Ordinal);
        foreach (var id in trajectories.Select(t => t.EpisodeId).Distinct())
        {
            var episode = await store.GetEpisodeAsync(id, cancellationToken)
                ?? throw new InvalidOperationException($"Episode '{id}' vanished from the store.");
            var turns = await store.GetTurnsAsync(id, cancellationToken);
            if (!indexes.TryGetValue(episode.DatasetVersionOrLegacy, out var index))
            {
                index = new DatasetIndex(await store.LoadDatasetAsync(episode.DatasetVersionOrLegacy, cancellationToken));
                indexes[episode.DatasetVersionOrLegacy] = index;
            }
            episodes[id] = new SftEpisode(index.GetSetup(episode), turns);
        }
        var options = new SftOptions
        {
            MaxPromptTokens = maxPromptTokens,
            ReproduceBracketQuirk = reproduceBracketQuirk,
            ShuffleSeed = unchecked((int)seed),
        };
        return SftExporter.Build(trajectories, id => episodes[id], options).Examples;
    }
}
