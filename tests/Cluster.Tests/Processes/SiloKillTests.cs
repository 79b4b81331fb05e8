using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The cluster's main promise, on real processes: three silo processes share one PostgreSQL database
/// and play a campaign of more than 2,000 simulator episodes (BC, one SR round, evaluation) while silos are
/// SIGKILLed and restarted with the same id, one after the other, in the middle of their episodes — and one is
/// frozen (SIGSTOP) until others took its episodes over, then thawed, so that it really tries to write under
/// its stale epochs. Nothing may be lost or doubled, and no stale write may get in.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class SiloKillTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "kill-test";
    private const string PolicyName = "sotopia-pi";

    /// <summary>90 fresh scenarios per training round × up to 10 character pairs, twice, plus the evaluation
    /// (base, bc, bc+sr1 and the expert × 10 hard scenarios × 5 pairs × both seats = 400): about 2,150 episodes.</summary>
    private const string Spec = """
        {"name": "kill-test", "mode": "bc_sr", "sr_rounds": 1, "dataset": "DATASET",
         "scenarios_per_round": 90, "pairs_per_scenario": 10, "evaluation_pairs_per_scenario": 5,
         "trainer": {"epochs": 5}, "seed": 11}
        """;

    /// <summary>A silo is disrupted only while it plays at least this many episodes, so that some are surely
    /// still in flight when the signal lands.</summary>
    private const int MinInFlight = 10;

    private enum Action
    {
        Kill,
        Freeze,
    }

    /// <summary>When (finished episodes of the campaign) what happens: six kills and one freeze, spread over the
    /// BC round (about 880 episodes) and the SR round (the next 880), each to the silo disrupted least so far that
    /// is in the middle of enough episodes — so every silo, the trainer's and whichever drives the campaign
    /// among them, is killed about twice.</summary>
    private static readonly (int Finished, Action Action)[] Plan =
    [
        (100, Action.Kill),
        (300, Action.Kill),
        (500, Action.Freeze),
        (700, Action.Kill),
        (1000, Action.Kill),
        (1250, Action.Kill),
        (1500, Action.Kill),
    ];

    [Fact]
    public async Task KilledAndFrozenSilosLoseNothingDoubleNothingAndLetNoStaleWriteIn()
    {
        await using var run = await ClusterTestRun.StartAsync(server, silos: 3, scenarioCopies: 6);
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

        var disruptions = new List<Disruption>();
        var chaos = DisruptAsync(run, disruptions);
        var campaign = await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(4), chaos);
        await chaos;

        var summary = await ClusterInvariants.AssertAsync(run, CampaignId);
        Report(run, summary, disruptions);
        Assert.True(summary.Episodes >= 2000, $"the campaign played only {summary.Episodes} episodes");

        // Every disruption interrupted episodes mid-way; another incarnation took them over under a newer epoch
        // and finished them — all of them for a killed silo, at least one for the frozen one (it may finish the
        // rest itself if it thaws before they are taken: its expired leases then refuse it, see below).
        foreach (var disruption in disruptions)
        {
            var resumed = disruption.InFlight.Count(e =>
                summary.Claimed[e.Key].Any(c => c.Key > e.Value && c.Value != disruption.Incarnation));
            Assert.True(disruption.InFlight.Count > 0 && (disruption.Action == Action.Freeze ? resumed > 0 : resumed == disruption.InFlight.Count),
                $"{disruption}: {resumed} of the {disruption.InFlight.Count} episodes it was playing were taken over by another process");
        }
        Assert.Equal(6, disruptions.Count(d => d.Action == Action.Kill));
        Assert.Equal(["silo-1", "silo-2", "silo-3"], disruptions.Where(d => d.Action == Action.Kill).Select(d => d.Silo).Distinct().Order());

        // The frozen silo really tried to write under its stale epochs and was refused (its store counted the
        // refusals, its heartbeat reported them, it logged the activations it dropped for them); and the audit
        // shows that none of its writes got in under an epoch it no longer held (ClusterInvariants).
        var frozen = disruptions.Single(d => d.Action == Action.Freeze);
        Assert.True(frozen.RefusedAfterThaw > 0, $"{frozen}: the thawed silo reported no refused stale write");
        Assert.True(run.Silo(frozen.Silo).CountOutputLines("activation dropped") > 0, $"{frozen}: the thawed silo logged no activation dropped for a stale epoch");

        // The campaign and both training rounds finished: BC published version 1, SR published version 2.
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.Equal([1, 2], campaign.Rounds.Select(r => r.ProducedVersion ?? -1));
        Assert.Equal(1, campaign.Rounds[1].PlayedVersion);
        Assert.Equal(["base", "bc", "bc+sr1", "expert"], campaign.Evaluations.Select(e => e.Label));
        foreach (var round in campaign.Rounds)
        {
            var request = await run.Store.GetTrainingRequestAsync(round.TrainingRequestId!);
            Assert.Equal(TrainingStatus.Succeeded, request!.Status);
            Assert.Equal(round.ProducedVersion, request.PublishedVersion);
        }
        var versions = await run.Store.ListVersionsAsync(PolicyName);
        Assert.Equal([0, 1, 2], versions.Select(v => v.Version));
        Assert.Equal(2, (await run.Store.GetActiveVersionAsync(PolicyName))!.Version);

        // Version 1, published in the middle of the run, is what every silo's next episodes played: the SR
        // round's episodes were created after it, pin it in both seats, every turn of them was answered by its
        // model, and all three silos played them.
        var v1 = versions[1];
        var sr = await run.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId, Round = 1 });
        Assert.NotEmpty(sr);
        var pinned = new SeatBinding(AgentRoles.Policy, PolicyName, 1, v1.Model);
        foreach (var episode in sr)
        {
            Assert.True(episode.CreatedAt >= v1.CreatedAt, $"{episode.Id} was created at {episode.CreatedAt:O}, before version 1 ({v1.CreatedAt:O})");
            Assert.Equal([pinned, pinned], episode.Seats.ToArray());
            var turns = await run.Store.GetTurnsAsync(episode.Id);
            Assert.All(turns, t => Assert.Equal(v1.Model, t.Usage?.Model));
        }
        var srIds = sr.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var srPlayers = summary.TurnWrites.Where(t => srIds.Contains(t.EpisodeId)).Select(t => ClusterInvariants.SiloOf(t.Writer)).ToHashSet();
        Assert.Equal(["silo-1", "silo-2", "silo-3"], srPlayers.Order());
        // The evaluation played version 2 (published by the SR round) against the partner.
        var evaluation = await run.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId, Round = 2 });
        Assert.Contains(evaluation, e => e.Seats.Any(s => s.Role == AgentRoles.Policy && s.Version == 2 && s.Model == versions[2].Model));

        // The cluster is healthy at the end: every silo answers and reports itself active.
        foreach (var silo in run.Silos)
        {
            Assert.Equal("active", (await silo.DescribeSelfAsync()).Status);
        }
    }

    /// <summary>Runs <see cref="Plan"/>: each step waits until enough episodes finished and a silo is in the
    /// middle of at least <see cref="MinInFlight"/> (running, live lease, turns stored), then kills it and
    /// restarts it at once with the same id — or freezes it until another silo took one of its episodes over,
    /// then thaws it and waits until its heartbeat reports refused stale writes. What the victim was playing is read
    /// after the signal, when it can no longer finish anything, so every episode listed was interrupted.</summary>
    private async Task DisruptAsync(ClusterTestRun run, List<Disruption> log)
    {
        var disrupted = run.Silos.ToDictionary(s => s.Id, _ => 0);
        foreach (var (finished, action) in Plan)
        {
            ClusterSilo? silo = null;
            await run.UntilAsync(CampaignId, $"{finished} episodes finished and a silo in the middle of at least {MinInFlight}", async counts =>
            {
                if (counts.Finished < finished)
                {
                    return false;
                }
                foreach (var candidate in run.Silos.OrderBy(s => disrupted[s.Id]).ThenBy(s => s.Id, StringComparer.Ordinal))
                {
                    if ((await WriteAudit.InFlightAsync(run.ConnectionString, CampaignId, candidate.Id, candidate.CurrentIncarnation)).Count >= MinInFlight)
                    {
                        silo = candidate;
                        return true;
                    }
                }
                return false;
            }, TimeSpan.FromMinutes(3));
            var id = silo!.Id;
            disrupted[id]++;
            var incarnation = silo.CurrentIncarnation;
            if (action == Action.Kill)
            {
                silo.Kill();
                var interrupted = await WriteAudit.InFlightAsync(run.ConnectionString, CampaignId, id, incarnation);
                var at = await DescribeProgressAsync(run);
                log.Add(new Disruption(action, id, incarnation, at, interrupted, 0));
                await silo.StartAsync();
            }
            else
            {
                silo.Pause();
                var interrupted = await WriteAudit.InFlightAsync(run.ConnectionString, CampaignId, id, incarnation);
                var at = await DescribeProgressAsync(run);
                await run.UntilAsync(CampaignId, $"another silo took over an episode of frozen {incarnation}", async _ =>
                    (await WriteAudit.EpochsAsync(run.ConnectionString, interrupted.Keys)).Any(e => e.Value > interrupted[e.Key]),
                    TimeSpan.FromMinutes(1));
                silo.Resume();
                // The thawed silo writes under its stale epochs and is refused: its store counts the refusals and
                // its membership heartbeat reports them.
                long refused = 0;
                await run.UntilAsync(CampaignId, $"thawed {incarnation} reported refused stale writes", async _ =>
                {
                    var row = (await run.Store.ListSilosAsync(TimeSpan.FromMinutes(1))).SingleOrDefault(r => r.Id == id);
                    refused = row?.Stats?.StaleWritesRefused ?? 0;
                    return refused > 0;
                }, TimeSpan.FromMinutes(1));
                log.Add(new Disruption(action, id, incarnation, at, interrupted, refused));
            }
        }
    }

    /// <summary>"1505 finished (stage 1: 623/879 finished)".</summary>
    private static async Task<string> DescribeProgressAsync(ClusterTestRun run)
    {
        var campaign = await run.Store.GetCampaignAsync(CampaignId);
        var all = await run.Store.CountEpisodesAsync(CampaignId);
        var stage = await run.Store.CountEpisodesAsync(CampaignId, campaign!.Stage);
        return string.Create(CultureInfo.InvariantCulture,
            $"{all.Finished} finished episodes (stage {campaign.Stage} {campaign.Step}: {stage.Finished}/{stage.Total} finished)");
    }

    private void Report(ClusterTestRun run, ClusterInvariants.Summary summary, List<Disruption> disruptions)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Episodes} episodes, {summary.Turns} turns, {summary.Claims} claims, {summary.TakeOvers} take-overs (epoch ≥ 2) of {summary.EpisodesTakenOver} episodes"));
        output.WriteLine("turns by incarnation: " + string.Join(", ", summary.TurnsByIncarnation.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        foreach (var disruption in disruptions)
        {
            output.WriteLine(disruption.ToString());
        }
        foreach (var silo in run.Silos)
        {
            output.WriteLine($"{silo.Id} logs: {silo.CountOutputLines("activation dropped")} activations dropped (stale epoch), " +
                $"{silo.CountOutputLines("hit a transient store failure")} transient store failures, {silo.CountOutputLines("EpisodeScheduler[1005]")} episode errors, " +
                $"{silo.CountOutputLines("CampaignScheduler[1203]")} campaign take-overs noticed");
        }
    }

    private sealed record Disruption(Action Action, string Silo, string Incarnation, string FinishedAt, Dictionary<string, long> InFlight, long RefusedAfterThaw)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Action} {Incarnation} at {FinishedAt}, {InFlight.Count} of its episodes in flight{(Action == Action.Freeze ? $", {RefusedAfterThaw} stale writes refused after the thaw (first report)" : "")}");
    }
}
