using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>What must hold for every episode of a campaign however the silos were killed, frozen or cut off
/// from the database: it completed exactly once; its turns are 0..n-1 in round-robin seats, stop exactly at
/// termination and match the recorded termination; and — from the database's own <see cref="WriteAudit"/> —
/// every accepted turn and completion was written by the very process that had claimed the lease epoch it
/// was written under, that epoch still being the lease's (so no write of a stale owner got in).</summary>
internal static class ClusterInvariants
{
    private static readonly HashSet<string> FinalStatuses = ["completed", "evaluation_failed", "failed", "cancelled"];

    /// <summary>What the run looked like, for the test's output.</summary>
    public sealed record Summary(
        int Episodes,
        int Turns,
        int Claims,
        int TakeOvers,
        int EpisodesTakenOver,
        IReadOnlyDictionary<string, int> TurnsBySilo,
        IReadOnlyDictionary<string, int> TurnsByIncarnation,
        IReadOnlyDictionary<string, Dictionary<long, string>> Claimed,
        IReadOnlyList<WriteAudit.TurnWrite> TurnWrites);

    public static async Task<Summary> AssertAsync(ClusterTestRun run, string campaignId)
    {
        var store = run.Store;
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Limit = 1_000_000 });
        var counts = await store.CountEpisodesAsync(campaignId);
        Assert.True(counts.Completed == counts.Total && counts.Total == episodes.Count,
            $"every episode must be completed; counts by status: {counts}, listed {episodes.Count}");

        var statuses = await WriteAudit.ReadStatusesAsync(run.ConnectionString);
        var turnWrites = await WriteAudit.ReadTurnsAsync(run.ConnectionString);
        var leases = await WriteAudit.LeasesAsync(run.ConnectionString, campaignId);
        var ids = episodes.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);

        // Claims: (episode, epoch) → the incarnation that took that epoch. An epoch is taken once, by the lease's owner.
        var claims = new Dictionary<string, Dictionary<long, string>>(StringComparer.Ordinal);
        foreach (var claim in statuses.Where(s => s.NewStatus == "running" && ids.Contains(s.EpisodeId)))
        {
            Assert.True(claim.LeaseEpoch is not null && OwnedBy(claim.LeaseOwner, claim.Writer),
                $"claim #{claim.Seq} of {claim.EpisodeId} by {claim.Writer} left the lease with {claim.LeaseOwner} epoch {claim.LeaseEpoch}");
            var byEpoch = claims.TryGetValue(claim.EpisodeId, out var existing) ? existing : claims[claim.EpisodeId] = [];
            var epoch = claim.LeaseEpoch!.Value;
            Assert.False(byEpoch.ContainsKey(epoch),
                $"epoch {epoch} of {claim.EpisodeId} was claimed twice: by {byEpoch.GetValueOrDefault(epoch)} and by {claim.Writer}");
            byEpoch[epoch] = claim.Writer;
        }
        var lastChange = statuses.GroupBy(s => s.EpisodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(s => s.Seq), StringComparer.Ordinal);

        var completions = statuses.Where(s => FinalStatuses.Contains(s.NewStatus) && ids.Contains(s.EpisodeId))
            .GroupBy(s => s.EpisodeId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var writesByEpisode = turnWrites.Where(t => ids.Contains(t.EpisodeId))
            .GroupBy(t => t.EpisodeId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(t => t.Number).ToList(), StringComparer.Ordinal);

        var turnCount = 0;
        foreach (var episode in episodes)
        {
            var id = episode.Id;
            Assert.True(episode.Status == EpisodeStatus.Completed && episode.Outcome is { Succeeded: true } && episode.CompletedAt is not null
                && episode.Termination is not null,
                $"{id}: status {episode.Status}, outcome {episode.Outcome?.Succeeded}, completed at {episode.CompletedAt}, termination {episode.Termination}, failure {episode.FailureReason}");

            var turns = await store.GetTurnsAsync(id);
            turnCount += turns.Length;
            Assert.True(turns.Select(t => t.Number).SequenceEqual(Enumerable.Range(0, turns.Length)),
                $"{id}: turns are not 0..{turns.Length - 1}: [{string.Join(",", turns.Select(t => t.Number))}]");
            Assert.True(turns.All(t => t.Seat == EpisodeRules.ActiveSeat(t.Number)), $"{id}: a turn was played by the wrong seat");
            for (var k = 1; k < turns.Length; k++)
            {
                var early = EpisodeRules.CheckTermination(turns[..k]);
                Assert.True(early is null, $"{id}: the episode should have stopped after {k} turns ({early}) but has {turns.Length}");
            }
            Assert.Equal(episode.Termination, EpisodeRules.CheckTermination(turns));

            // Completed exactly once, and it was the last status change.
            var ends = completions.GetValueOrDefault(id) ?? [];
            Assert.True(ends.Count == 1, $"{id}: expected one completion, the database saw {ends.Count}: {string.Join("; ", ends)}");
            var end = ends[0];
            Assert.Equal("completed", end.NewStatus);
            Assert.True(lastChange[id] == end.Seq, $"{id}: its status changed again after it completed");
            Assert.True(claims.TryGetValue(id, out var episodeClaims), $"{id}: completed but never claimed");
            var endClaim = end.LeaseEpoch is { } endEpoch ? episodeClaims.GetValueOrDefault(endEpoch) : null;
            Assert.True(endClaim == end.Writer,
                $"{id}: completed by {end.Writer} under epoch {end.LeaseEpoch}, which {(endClaim is null ? "nobody claimed" : $"{endClaim} claimed")}");

            // Every accepted turn: written by the incarnation that claimed the epoch the lease had at that moment.
            var writes = writesByEpisode.GetValueOrDefault(id) ?? [];
            Assert.True(writes.Select(w => w.Number).SequenceEqual(Enumerable.Range(0, turns.Length)),
                $"{id}: the audit saw turn writes [{string.Join(",", writes.Select(w => w.Number))}] for {turns.Length} stored turns");
            long previousEpoch = 0;
            foreach (var write in writes)
            {
                var claimer = write.LeaseEpoch is { } epoch ? episodeClaims.GetValueOrDefault(epoch) : null;
                Assert.True(claimer == write.Writer && OwnedBy(write.LeaseOwner, write.Writer),
                    $"{id}: turn {write.Number} was written by {write.Writer} while the lease was {write.LeaseOwner} epoch {write.LeaseEpoch} (claimed by {claimer ?? "nobody"})");
                Assert.True(write.LeaseEpoch >= previousEpoch, $"{id}: turn {write.Number} was written under epoch {write.LeaseEpoch} after epoch {previousEpoch}");
                previousEpoch = write.LeaseEpoch!.Value;
            }
            Assert.True(end.LeaseEpoch >= previousEpoch, $"{id}: completed under epoch {end.LeaseEpoch} after a turn under epoch {previousEpoch}");

            var lease = leases[id];
            Assert.True(!lease.Active && lease.Epoch == end.LeaseEpoch && OwnedBy(lease.Owner, end.Writer),
                $"{id}: final lease {lease.Owner} epoch {lease.Epoch} active {lease.Active}, completed under epoch {end.LeaseEpoch} by {end.Writer}");
        }

        var campaignWrites = turnWrites.Where(t => ids.Contains(t.EpisodeId)).ToList();
        return new Summary(
            episodes.Count,
            turnCount,
            claims.Sum(c => c.Value.Count),
            claims.Sum(c => c.Value.Keys.Count(e => e >= 2)),
            claims.Count(c => c.Value.Keys.Any(e => e >= 2)),
            campaignWrites.GroupBy(t => SiloOf(t.Writer)).ToDictionary(g => g.Key, g => g.Count()),
            campaignWrites.GroupBy(t => t.Writer).ToDictionary(g => g.Key, g => g.Count()),
            claims,
            campaignWrites);
    }

    /// <summary>Whether a lease owner names the silo of the writing incarnation.</summary>
    private static bool OwnedBy(string? leaseOwner, string writer) => NamesSilo(leaseOwner, SiloOf(writer));

    /// <summary>Whether a lease owner is the silo: its id itself, or its id followed by a separator and something
    /// that tells the silo's processes apart.</summary>
    public static bool NamesSilo(string? leaseOwner, string siloId) =>
        leaseOwner is not null && leaseOwner.StartsWith(siloId, StringComparison.Ordinal)
        && (leaseOwner.Length == siloId.Length || !char.IsLetterOrDigit(leaseOwner[siloId.Length]));

    /// <summary>"silo-2#3" → "silo-2" (an incarnation, or a lease owner with an incarnation suffix, to its silo).</summary>
    public static string SiloOf(string incarnation)
    {
        var hash = incarnation.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? incarnation : incarnation[..hash];
    }
}
