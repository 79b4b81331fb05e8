using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The database goes away under a running cluster: PostgreSQL is restarted (<c>pg_ctl restart -m fast</c>:
/// every connection is cut) twice while three silo processes play a campaign — once in the middle of the BC
/// round, once in the middle of the evaluation. The silos must ride it out — retry, reconnect, keep their
/// processes — and finish the campaign with nothing lost, doubled or failed.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRestartTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "pg-restart-test";

    /// <summary>BC and one SR round on 40 scenarios × up to 10 pairs each, then the evaluation (4 policies × 10
    /// hard scenarios × 5 pairs × 2 seats): about 1,180 episodes.</summary>
    private const string Spec = """
        {"name": "pg-restart-test", "mode": "bc_sr", "sr_rounds": 1, "dataset": "DATASET",
         "scenarios_per_round": 40, "pairs_per_scenario": 10, "evaluation_pairs_per_scenario": 5,
         "trainer": {"epochs": 5}, "seed": 12}
        """;

    [Fact]
    public async Task SilosRideOutADatabaseRestartAndFinishTheCampaign()
    {
        // Small claims and capacity, so that even these small rounds are spread over all three silos.
        await using var run = await ClusterTestRun.StartAsync(server, silos: 3, scenarioCopies: 2, new Dictionary<string, string>
        {
            ["Silo__MaxConcurrentEpisodes"] = "48",
            ["Silo__ClaimBatchSize"] = "8",
        });
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

        var restarts = new List<(int Finished, int Running, long TurnSeq)>();
        var chaos = RestartTwiceAsync(run, restarts);
        var campaign = await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(4), chaos);
        await chaos;

        var summary = await ClusterInvariants.AssertAsync(run, CampaignId);
        output.WriteLine($"{summary.Episodes} episodes, {summary.Turns} turns, {summary.Claims} claims, {summary.TakeOvers} take-overs (epoch ≥ 2)");
        foreach (var (finished, running, _) in restarts)
        {
            output.WriteLine($"PostgreSQL restarted with {finished} episodes finished and {running} running");
        }
        foreach (var silo in run.Silos)
        {
            output.WriteLine($"{silo.Id} logs: {silo.CountOutputLines("could not claim episodes")} failed claims, {silo.CountOutputLines("could not renew its leases")} failed renewals, " +
                $"{silo.CountOutputLines("hit a transient store failure")} episodes handed back on a store failure, {silo.CountOutputLines("EpisodeScheduler[1005]")} episode errors, " +
                $"{silo.CountOutputLines("activation dropped")} activations dropped");
        }

        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        Assert.Equal(4, campaign.Evaluations.Length);
        Assert.Equal([0, 1, 2], (await run.Store.ListVersionsAsync("sotopia-pi")).Select(v => v.Version));

        // The same processes went on (nothing was restarted but the database), are ready again, and every one
        // of them played on after the last restart: each reconnected.
        var afterLast = restarts[^1].TurnSeq;
        foreach (var silo in run.Silos)
        {
            Assert.Equal(1, silo.Incarnation);
            using var ready = await silo.Http.GetAsync("/readyz");
            Assert.True(ready.IsSuccessStatusCode, $"{silo.Id} is not ready after the restarts: {(int)ready.StatusCode}");
            Assert.Equal("active", (await silo.DescribeSelfAsync()).Status);
            Assert.Contains(summary.TurnWrites, t => t.Seq > afterLast && t.Writer == silo.IncarnationName(1));
        }
    }

    /// <summary>Restarts the server when the BC round is well under way, and again in the middle of the
    /// evaluation, each time with every silo in the middle of some episodes.</summary>
    private async Task RestartTwiceAsync(ClusterTestRun run, List<(int Finished, int Running, long TurnSeq)> log)
    {
        foreach (var stage in (int[])[0, 2])
        {
            EpisodeCounts? counts = null;
            await run.UntilAsync(CampaignId, $"30 episodes finished in stage {stage} and every silo in the middle of some", async c =>
            {
                counts = c;
                if ((await run.Store.GetCampaignAsync(CampaignId))?.Stage != stage || (await run.Store.CountEpisodesAsync(CampaignId, stage)).Finished < 30)
                {
                    return false;
                }
                var inFlight = new List<int>();
                foreach (var silo in run.Silos)
                {
                    inFlight.Add((await WriteAudit.InFlightAsync(run.ConnectionString, CampaignId, silo.Id, silo.CurrentIncarnation)).Count);
                }
                output.WriteLine($"finished {c.Finished}, running {c.Running}, in flight per silo: {string.Join(", ", inFlight)}");
                return inFlight.All(n => n >= 3);
            }, TimeSpan.FromMinutes(3));
            await server.RestartAsync();
            log.Add((counts!.Finished, counts.Running, await WriteAudit.LastTurnSeqAsync(run.ConnectionString)));
        }
    }
}
