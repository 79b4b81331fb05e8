using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Cluster.Tests;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The cluster's main promise, on real processes: three silo processes and a trainer process share one
/// PostgreSQL database (Orleans membership and reminders in it too) and play a campaign of more than 2,000 simulator
/// episodes (BC, one SR round, evaluation) while one silo is SIGKILLed in the middle of its episodes and restarted, and
/// another is frozen (SIGSTOP) and left frozen until the campaign completed, then thawed. Orleans votes both out; their
/// episodes resume elsewhere from their last stored turn. Nothing may be lost or counted twice, no stale write may get
/// in, and the thawed silo must find itself dead and stop.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class SiloKillTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "kill-test";

    /// <summary>90 fresh scenarios per training round × up to 10 character pairs, twice, plus the evaluation
    /// (base, bc, bc+sr1 and the expert × 10 hard scenarios × 5 pairs × both seats = 400): about 2,150 episodes.</summary>
    private const string Spec = """
        {"name": "kill-test", "mode": "bc_sr", "sr_rounds": 1, "dataset": "DATASET",
         "scenarios_per_round": 90, "pairs_per_scenario": 10, "evaluation_pairs_per_scenario": 5,
         "trainer": {"epochs": 5}, "seed": 11}
        """;

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AKilledAndAFrozenSiloLoseNothingCountNothingTwiceAndLetNoStaleWriteIn()
    {
        // Each simulated decision takes 0.2 s and each silo plays 64 episodes at once, so an episode lasts a few seconds
        // and a round a few dozen: the kill and the freeze land in the middle of episodes, as with a model server.
        await using var run = await ClusterTestRun.StartAsync(server, silos: 3, scenarioCopies: 6, new Dictionary<string, string>
        {
            ["Simulator__DecisionLatency"] = "00:00:00.200",
            ["Silo__MaxConcurrentEpisodes"] = "64",
        });
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

        // SIGKILL silo-2 in the middle of the BC round, then start it again (same id, same ports).
        var killed = run.Silo("silo-2");
        await run.WaitForEndedAsync(CampaignId, 300, Step);
        var killedIncarnation = killed.CurrentIncarnation;
        var killedInFlight = (await killed.DescribeSelfAsync()).EpisodesInFlight;
        var killedAt = await WriteAudit.NowAsync(run.ConnectionString);
        killed.Kill();
        await killed.StartAsync();

        // SIGSTOP silo-3 in the middle of the SR round; it stays frozen until the campaign is done.
        var frozen = run.Silo("silo-3");
        await run.WaitForEndedAsync(CampaignId, 1_200, Step);
        var frozenIncarnation = frozen.CurrentIncarnation;
        var frozenInFlight = (await frozen.DescribeSelfAsync()).EpisodesInFlight;
        var frozenAt = await WriteAudit.NowAsync(run.ConnectionString);
        frozen.Freeze();

        var campaign = await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(5));

        // Thawed, the silo learns it was voted out and stops; whatever it still tried to write is refused.
        frozen.Thaw();
        var exitCode = await frozen.WaitForExitAsync(TimeSpan.FromMinutes(1));
        var refusedAfterThaw = frozen.CountOutputLines("this activation stops");

        output.WriteLine($"outputs: {await run.SaveOutputsAsync(CampaignId)}");
        var summary = await ClusterInvariants.AssertAsync(run, CampaignId);
        output.WriteLine($"turns by incarnation: {string.Join(", ", summary.TurnsByIncarnation.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        Assert.True(summary.Episodes >= 2_000, $"the campaign played only {summary.Episodes} episodes");
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        Assert.Equal(4, campaign.Evaluations.Length);

        var killedHeld = ClusterInvariants.HeldAtDeath(summary, killedIncarnation);
        var frozenHeld = ClusterInvariants.HeldAtDeath(summary, frozenIncarnation);
        Assert.True(killedHeld.Count > 0, $"{killedIncarnation} held no episode when it was killed (it reported {killedInFlight} in flight)");
        Assert.True(frozenHeld.Count > 0, $"{frozenIncarnation} held no episode when it was frozen (it reported {frozenInFlight} in flight)");
        var killedDeath = ClusterInvariants.DeathOf(summary, killedIncarnation);
        var frozenDeath = ClusterInvariants.DeathOf(summary, frozenIncarnation);
        Assert.All(killedHeld, id => Assert.True(ClusterInvariants.ResumedByAnother(summary, id, killedIncarnation, killedDeath), $"{id} of the killed silo was never resumed elsewhere"));
        Assert.All(frozenHeld, id => Assert.True(ClusterInvariants.ResumedByAnother(summary, id, frozenIncarnation, frozenDeath), $"{id} of the frozen silo was never resumed elsewhere"));

        var killResume = ResumeDelays(summary, killedHeld, killedIncarnation, killedAt);
        var freezeResume = ResumeDelays(summary, frozenHeld, frozenIncarnation, frozenAt);
        output.WriteLine($"{summary.Episodes} episodes, {summary.Turns} turns, {summary.Begins} begins, {summary.Resumes} resumes (fence ≥ 2)");
        output.WriteLine($"SIGKILL {killedIncarnation} with {killedHeld.Count} episodes held: first resumed elsewhere after {killResume.First.TotalSeconds:0.0} s, all after {killResume.Last.TotalSeconds:0.0} s");
        output.WriteLine($"SIGSTOP {frozenIncarnation} with {frozenHeld.Count} episodes held: first resumed elsewhere after {freezeResume.First.TotalSeconds:0.0} s, all after {freezeResume.Last.TotalSeconds:0.0} s");
        output.WriteLine($"{frozenIncarnation}, thawed after the campaign completed, exited with {exitCode}; it logged {refusedAfterThaw} refused stale writes");
        Assert.True(killResume.Last < TimeSpan.FromSeconds(30), $"the killed silo's episodes took {killResume.Last.TotalSeconds:0.0} s to all run again elsewhere");
        Assert.False(frozen.IsRunning, $"{frozenIncarnation} is still running after it was thawed");
    }

    private static (TimeSpan First, TimeSpan Last) ResumeDelays(ClusterInvariants.Summary summary, IReadOnlyList<string> held, string incarnation, DateTimeOffset at)
    {
        var delays = held.Select(id => summary.BeginRows.Where(b => b.EpisodeId == id && b.At > at && b.Writer != incarnation).Min(b => b.At) - at).ToList();
        return (delays.Min(), delays.Max());
    }
}
