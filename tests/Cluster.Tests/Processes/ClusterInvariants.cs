using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>What must hold for every episode of a campaign however the silos were killed or frozen: it ended exactly
/// once, completed (never failed); its turns are 0..n-1, each stored once; and — from the database's own
/// <see cref="WriteAudit"/> — every accepted turn and end was written by the very process that had begun the fence it
/// was written under (so no write of a stale activation got in).</summary>
internal static class ClusterInvariants
{
    /// <summary>What the run looked like, for the test's output and its further checks.</summary>
    public sealed record Summary(
        int Episodes,
        int Turns,
        int Begins,
        int Resumes,
        IReadOnlyList<WriteAudit.Begin> BeginRows,
        IReadOnlyList<WriteAudit.End> EndRows,
        IReadOnlyDictionary<string, int> TurnsByIncarnation,
        IReadOnlyDictionary<string, DateTimeOffset> LastWriteByIncarnation);

    public static async Task<Summary> AssertAsync(ClusterTestRun run, string campaignId)
    {
        var store = run.Store;
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId });
        var counts = await store.CountEpisodesAsync(campaignId);
        Assert.True(counts.Completed + counts.EvaluationFailed == counts.Total && counts.Failed == 0 && counts.Total == episodes.Count,
            $"every episode must have been played to its end; counts by status: {counts}, listed {episodes.Count}");

        var ids = episodes.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var begins = (await WriteAudit.ReadBeginsAsync(run.ConnectionString)).Where(b => ids.Contains(b.EpisodeId)).ToList();
        var turns = (await WriteAudit.ReadTurnsAsync(run.ConnectionString)).Where(t => ids.Contains(t.EpisodeId)).ToList();
        var ends = (await WriteAudit.ReadEndsAsync(run.ConnectionString)).Where(e => ids.Contains(e.EpisodeId)).ToList();

        // Who began each fence: a fence is begun once, by one process.
        var beganBy = new Dictionary<(string Episode, long Fence), string>();
        foreach (var begin in begins)
        {
            Assert.True(beganBy.TryAdd((begin.EpisodeId, begin.Fence), begin.Writer),
                $"fence {begin.Fence} of {begin.EpisodeId} was begun twice: by {beganBy.GetValueOrDefault((begin.EpisodeId, begin.Fence))} and by {begin.Writer}");
        }

        // Ended exactly once, by the process holding the episode's fence then.
        var endsByEpisode = ends.GroupBy(e => e.EpisodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var episode in episodes)
        {
            var mine = endsByEpisode.GetValueOrDefault(episode.Id) ?? [];
            Assert.True(mine.Count == 1, $"{episode.Id} ended {mine.Count} times: {string.Join("; ", mine)}");
            var end = mine[0];
            Assert.True(beganBy.GetValueOrDefault((end.EpisodeId, end.Fence)) == end.Writer,
                $"{episode.Id} was ended by {end.Writer} under fence {end.Fence}, which {beganBy.GetValueOrDefault((end.EpisodeId, end.Fence)) ?? "nobody"} had begun");
        }

        // Turns: contiguous, each stored once, each by the process that began the fence it carries.
        var turnsByEpisode = turns.GroupBy(t => t.EpisodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var episode in episodes)
        {
            var stored = await store.GetTurnsAsync(episode.Id);
            Assert.Equal(Enumerable.Range(0, stored.Length), stored.Select(t => t.Number));
            var written = turnsByEpisode.GetValueOrDefault(episode.Id) ?? [];
            Assert.True(written.Count == stored.Length && written.Select(w => w.Number).Order().SequenceEqual(stored.Select(t => t.Number)),
                $"{episode.Id}: {stored.Length} turns stored but {written.Count} turn writes accepted ({string.Join(",", written.Select(w => w.Number))})");
            foreach (var write in written)
            {
                Assert.True(beganBy.GetValueOrDefault((write.EpisodeId, write.Fence)) == write.Writer,
                    $"turn {write.Number} of {write.EpisodeId} was written by {write.Writer} under fence {write.Fence}, which {beganBy.GetValueOrDefault((write.EpisodeId, write.Fence)) ?? "nobody"} had begun");
            }
        }

        return new Summary(
            episodes.Count,
            turns.Count,
            begins.Count,
            begins.Count(b => b.Fence > 1),
            begins,
            ends,
            turns.GroupBy(t => t.Writer, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            begins.Select(b => (b.Writer, b.At)).Concat(turns.Select(t => (t.Writer, t.At))).Concat(ends.Select(e => (e.Writer, e.At)))
                .GroupBy(w => w.Writer, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(w => w.At), StringComparer.Ordinal));
    }

    /// <summary>The episodes <paramref name="incarnation"/> held when it died: at its last accepted write, the latest
    /// begin of each was its own and it had not stored their end. (Taken from the audit, not from a clock reading before
    /// the kill: the process goes on writing until the signal lands; and an episode it began may have been taken over
    /// before, when a killed silo took grain directory entries with it.)</summary>
    public static IReadOnlyList<string> HeldAtDeath(Summary summary, string incarnation)
    {
        var death = summary.LastWriteByIncarnation[incarnation];
        var endedByIt = summary.EndRows.Where(e => e.Writer == incarnation).Select(e => e.EpisodeId).ToHashSet(StringComparer.Ordinal);
        return [.. summary.BeginRows.Where(b => b.At <= death).GroupBy(b => b.EpisodeId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(b => b.Seq)!)
            .Where(b => b.Writer == incarnation && !endedByIt.Contains(b.EpisodeId))
            .Select(b => b.EpisodeId)];
    }

    /// <summary>When <paramref name="incarnation"/> wrote last (what the database accepted from it).</summary>
    public static DateTimeOffset DeathOf(Summary summary, string incarnation) => summary.LastWriteByIncarnation[incarnation];

    /// <summary>Whether another process began <paramref name="episodeId"/> after <paramref name="at"/> (it resumed it).</summary>
    public static bool ResumedByAnother(Summary summary, string episodeId, string incarnation, DateTimeOffset at) =>
        summary.BeginRows.Any(b => b.EpisodeId == episodeId && b.At > at && b.Writer != incarnation);
}
