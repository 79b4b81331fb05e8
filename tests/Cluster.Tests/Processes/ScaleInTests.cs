using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>Scale-in as Kubernetes does it: SIGTERM to one of two silo processes in the middle of a round. The silo
/// stops gracefully within its shutdown timeout, the episodes it held resume on the other silo from their stored turns,
/// and the campaign completes with every episode ended exactly once, none failed, no turn stored twice and no stale
/// write accepted (<see cref="ClusterInvariants"/>). The handover times are printed.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ScaleInTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "scale-in";

    /// <summary>BC on 20 scenarios × 4 pairs, then the evaluation of base, bc and the expert on the hard set (10 × 2
    /// pairs × both seats each): about 200 episodes.</summary>
    private const string Spec = """
        {"name": "scale-in", "mode": "bc", "dataset": "DATASET", "scenarios_per_round": 20, "pairs_per_scenario": 4,
         "evaluation_pairs_per_scenario": 2, "trainer": {"epochs": 3}, "seed": 17}
        """;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASigtermedSiloHandsItsEpisodesOverAndTheCampaignLosesAndRepeatsNothing()
    {
        // 0.2 s per simulated decision, 32 episodes at once per silo: episodes last seconds, so SIGTERM lands mid-episode.
        await using var run = await ClusterTestRun.StartAsync(server, silos: 2, scenarioCopies: 2, new Dictionary<string, string>
        {
            ["Simulator__DecisionLatency"] = "00:00:00.200",
            ["Silo__MaxConcurrentEpisodes"] = "32",
            ["SOTOPIA_SHUTDOWN_TIMEOUT"] = "00:00:30",
        });
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

        var leaving = run.Silo("silo-2");
        await run.WaitForEndedAsync(CampaignId, 30, TimeSpan.FromMinutes(2));
        var incarnation = leaving.CurrentIncarnation;
        var inFlight = (await leaving.DescribeSelfAsync()).EpisodesInFlight;
        var signalledAt = await WriteAudit.NowAsync(run.ConnectionString);
        var clock = Stopwatch.StartNew();
        var exitCode = await leaving.TerminateAsync(ShutdownTimeout + TimeSpan.FromSeconds(15));
        var stopped = clock.Elapsed;

        var campaign = await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(5));
        output.WriteLine($"outputs: {await run.SaveOutputsAsync(CampaignId)}");
        var summary = await ClusterInvariants.AssertAsync(run, CampaignId);
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.Equal(0, exitCode);
        Assert.True(stopped < ShutdownTimeout, $"{incarnation} took {stopped.TotalSeconds:0.0} s to stop after SIGTERM (shutdown timeout {ShutdownTimeout.TotalSeconds} s)");
        Assert.Contains("Silo silo-2 stopped: it left the cluster", leaving.Output, StringComparison.Ordinal);

        var held = ClusterInvariants.HeldAtDeath(summary, incarnation);
        Assert.True(held.Count > 0, $"{incarnation} held no episode when it stopped (it reported {inFlight} in flight)");
        var lastWrite = ClusterInvariants.DeathOf(summary, incarnation);
        Assert.All(held, id => Assert.True(ClusterInvariants.ResumedByAnother(summary, id, incarnation, lastWrite), $"{id} of the stopped silo was never resumed elsewhere"));
        var delays = held.Select(id => summary.BeginRows.Where(b => b.EpisodeId == id && b.At > signalledAt && b.Writer != incarnation).Min(b => b.At) - signalledAt).ToList();
        output.WriteLine($"{summary.Episodes} episodes, {summary.Turns} turns, {summary.Begins} begins, {summary.Resumes} resumes");
        output.WriteLine($"SIGTERM {incarnation} with {held.Count} episodes held: the process exited with {exitCode} after " +
            $"{stopped.TotalSeconds:0.00} s; its last accepted write {(lastWrite - signalledAt).TotalSeconds:0.00} s after the signal; " +
            $"first episode resumed on silo-1 after {delays.Min().TotalSeconds:0.00} s, all after {delays.Max().TotalSeconds:0.00} s");
        Assert.True(delays.Max() < ShutdownTimeout, $"the stopped silo's episodes took {delays.Max().TotalSeconds:0.0} s to all run again elsewhere");
    }
}
