using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Cluster.Tests;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The database goes away under a running cluster: PostgreSQL — which holds the project store and Orleans'
/// membership and reminders — is restarted (every connection cut) twice while three silo processes and the trainer
/// play a campaign, once in the BC round and once in the evaluation. The silos ride it out (episodes retry their
/// writes in place, the campaign's pump starts again) and finish with nothing lost, doubled or failed.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRestartTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "pg-restart-test";

    /// <summary>BC and one SR round on 40 scenarios × up to 10 pairs each, then the evaluation: about 1,180 episodes.</summary>
    private const string Spec = """
        {"name": "pg-restart-test", "mode": "bc_sr", "sr_rounds": 1, "dataset": "DATASET",
         "scenarios_per_round": 40, "pairs_per_scenario": 10, "evaluation_pairs_per_scenario": 5,
         "trainer": {"epochs": 5}, "seed": 12}
        """;

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task SilosRideOutADatabaseRestartAndFinishTheCampaign()
    {
        Assert.True(server.IsPrivate, "this test restarts PostgreSQL, so it needs the private server the fixture starts (unset SOTOPIA_TEST_POSTGRES)");
        await using var run = await ClusterTestRun.StartAsync(server, silos: 3, scenarioCopies: 2, new Dictionary<string, string>
        {
            ["Silo__MaxConcurrentEpisodes"] = "48",
            // Episodes last a couple of seconds (0.1 s per simulated decision), so the restarts cut them mid-way.
            ["Simulator__DecisionLatency"] = "00:00:00.100",
        });
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

        foreach (var after in new[] { 150, 900 })
        {
            await run.WaitForEndedAsync(CampaignId, after, Step);
            await server.StopAsync();
            await server.StartAsync();
            run.Events.Reconnect();
            output.WriteLine($"PostgreSQL restarted after {after} episodes ended");
        }
        var campaign = await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(5));

        var summary = await ClusterInvariants.AssertAsync(run, CampaignId);
        output.WriteLine($"{summary.Episodes} episodes, {summary.Turns} turns, {summary.Begins} begins, {summary.Resumes} resumes (fence ≥ 2)");
        foreach (var silo in run.Silos)
        {
            output.WriteLine($"{silo.Id}: {silo.CountOutputLines("transient store failure")} transient store failures logged, {silo.CountOutputLines("pump stopped on an error")} campaign pump restarts");
        }
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        Assert.Equal(4, campaign.Evaluations.Length);
        // The same processes went on: nothing was restarted but the database.
        Assert.All(run.Silos, s => Assert.Equal((1, true), (s.Incarnation, s.IsRunning)));
    }
}
