using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Crash;

/// <summary>Kills the real <c>sotopia run</c> process with SIGKILL twice in the middle of a campaign, resumes
/// it on the same database, and compares everything with an uninterrupted run of the same campaign id and
/// seed: every episode must be completed exactly once with exactly the same turns and scores, which is only
/// possible if no turn was lost, duplicated or re-decided after the crash.</summary>
public sealed class CrashRecoveryTests
{
    private const string CampaignId = "crash-test";

    [Fact]
    public async Task KilledCampaignResumesAndMatchesAnUninterruptedRun()
    {
        using var clean = new TempDirectory("sotopia-clean");
        using var crashed = new TempDirectory("sotopia-crash");
        var spec = new CampaignSpec { Name = "run", Seed = 7 };

        var reference = await EmbeddedCampaign.RunAsync(clean.Path, spec, CampaignId);
        Assert.Equal(CampaignStatus.Completed, reference.Status);

        string[] runArgs = ["run", "--out", crashed.Path, "--no-progress", "--seed", "7", "--concurrency", "8"];
        var kills = new List<string>();
        using (var first = SotopiaProcess.Start([.. runArgs, "--campaign-id", CampaignId]))
        {
            kills.Add(await KillWhenAsync(first, crashed.Path, finishedAtLeast: 150));
        }
        using (var second = SotopiaProcess.Start([.. runArgs, "--resume"]))
        {
            kills.Add(await KillWhenAsync(second, crashed.Path, finishedAtLeast: 380));
        }
        using (var third = SotopiaProcess.Start([.. runArgs, "--resume"]))
        {
            var exit = await third.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, $"resumed run exited {exit} after kills at [{string.Join("; ", kills)}]. Output:\n{third.Output}");
        }

        await using var expected = await SqliteSotopiaStore.OpenAsync(Path.Combine(clean.Path, "sotopia.db"));
        await using var actual = await SqliteSotopiaStore.OpenAsync(Path.Combine(crashed.Path, "sotopia.db"));
        var campaign = await actual.GetCampaignAsync(CampaignId);
        Assert.NotNull(campaign);
        Assert.Equal(CampaignStatus.Completed, campaign.Status);

        var expectedEpisodes = (await expected.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId })).ToDictionary(e => e.Id);
        var actualEpisodes = await actual.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId });
        Assert.Equal(expectedEpisodes.Count, actualEpisodes.Count);
        Assert.Equal(actualEpisodes.Count, actualEpisodes.Select(e => e.Id).Distinct().Count());
        foreach (var episode in actualEpisodes)
        {
            Assert.True(expectedEpisodes.TryGetValue(episode.Id, out var twin), $"episode {episode.Id} does not exist in the uninterrupted run");
            Assert.Equal(EpisodeStatus.Completed, episode.Status);
            Assert.Equal(twin.Termination, episode.Termination);
            Assert.Equal(twin.Seats.ToArray(), episode.Seats.ToArray());

            var turns = await actual.GetTurnsAsync(episode.Id);
            var twinTurns = await expected.GetTurnsAsync(episode.Id);
            Assert.Equal(Enumerable.Range(0, turns.Length), turns.Select(t => t.Number));
            Assert.Equal(twinTurns.Select(t => (t.Seat, t.Action)), turns.Select(t => (t.Seat, t.Action)));
            for (var k = 1; k < turns.Length; k++)
            {
                Assert.Null(EpisodeRules.CheckTermination(turns[..k]));
            }
            Assert.Equal(episode.Termination, EpisodeRules.CheckTermination(turns));

            var scores = episode.Outcome!.Evaluation!;
            var twinScores = twin.Outcome!.Evaluation!;
            Assert.Equal(twinScores.Agent1.Scores.Select(s => s.Score), scores.Agent1.Scores.Select(s => s.Score));
            Assert.Equal(twinScores.Agent2.Scores.Select(s => s.Score), scores.Agent2.Scores.Select(s => s.Score));
        }

        var versions = await actual.ListVersionsAsync(spec.PolicyName);
        Assert.Equal(4, versions.Count);
        Assert.Equal(3, versions.Where(v => v.TrainingRequestId is not null).Select(v => v.TrainingRequestId).Distinct().Count());
        Assert.Equal(reference.Evaluations.Select(e => (e.Label, e.Scores.Goal, e.Scores.Overall)),
            campaign.Evaluations.Select(e => (e.Label, e.Scores.Goal, e.Scores.Overall)));
    }

    /// <summary>Waits until the store shows at least that many finished episodes, then SIGKILLs the process,
    /// asserting that the campaign was still running (so the kill really interrupted it). The store is read again on
    /// each change the child makes to the database files (file-system events, not a timer), within five minutes.</summary>
    private static async Task<string> KillWhenAsync(DotnetProcess process, string home, int finishedAtLeast)
    {
        var db = Path.Combine(home, "sotopia.db");
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(home, "sotopia.db*")
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Changed += (_, _) => changed.Release();
        watcher.Created += (_, _) => changed.Release();
        watcher.EnableRaisingEvents = true;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        string seen = "no store yet";
        SqliteSotopiaStore? store = null;
        try
        {
            while (true)
            {
                Assert.False(process.HasExited, $"sotopia exited before the kill point ({finishedAtLeast} finished episodes; {seen}). Output:\n{process.Output}");
                if (store is null && File.Exists(db))
                {
                    store = await SqliteSotopiaStore.OpenAsync(db);
                    await store.MigrateAsync();
                }
                if (store is not null)
                {
                    var campaign = await store.GetCampaignAsync(CampaignId);
                    if (campaign is not null)
                    {
                        var counts = await store.CountEpisodesAsync(CampaignId);
                        seen = $"{counts.Finished}/{counts.Total} finished, stage {campaign.Stage} {campaign.Step}";
                        if (counts.Finished >= finishedAtLeast)
                        {
                            process.Kill();
                            Assert.Equal(CampaignStatus.Running, (await store.GetCampaignAsync(CampaignId))!.Status);
                            return seen;
                        }
                    }
                }
                await changed.WaitAsync(deadline.Token);
                while (changed.CurrentCount > 0)
                {
                    // Many writes make one look at the store.
                    changed.Wait(0);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited 5 minutes for {finishedAtLeast} finished episodes; last seen: {seen}. Output:\n{process.Output}");
        }
        finally
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
        }
    }
}
