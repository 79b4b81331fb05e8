using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.Reports;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>A campaign well past the 10,000 episodes a default listing limit once cut (issue 13, item 1), run as a
/// user runs it: every policy is reported with its true n (counted here from the store), and <c>export sft</c> writes
/// every kept example of each round.</summary>
public sealed class LargeCampaignTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task ATwelveThousandEpisodeCampaignReportsEveryPolicyWithItsTrueNAndExportsEveryKeptExample()
    {
        using var dir = new TempDirectory();
        var home = dir.Combine("home");
        // The starter set's 40 scenarios in every round (named set `all`), 5 SR rounds, 8 policies evaluated:
        // 6 × 464 training episodes and 8 × 1,328 evaluation episodes = 13,408.
        await File.WriteAllTextAsync(dir.Combine("spec.yaml"), """
            name: large
            mode: bc_sr
            sr_rounds: 5
            round_scenario_sets: [all, all, all, all, all, all]
            scenarios_per_round: 40
            pairs_per_scenario: 100
            evaluation_set: all
            evaluation_pairs_per_scenario: 25
            seed: 11
            """);
        var (exit, output) = await RunAsync("--home", home, "campaign", "start", "--spec", dir.Combine("spec.yaml"), "--no-progress");
        Assert.True(exit == 0, output);

        CampaignRecord campaign;
        IReadOnlyList<EpisodeRecord> episodes;
        await using (var store = await SqliteSotopiaStore.OpenAsync(Path.Combine(home, "sotopia.db")))
        {
            campaign = Assert.Single(await store.ListCampaignsAsync());
            episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaign.Id });
        }
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.True(episodes.Count >= 12_000, $"the campaign has {episodes.Count} episodes, fewer than the 12,000 it is meant to show");

        // The true n per evaluated policy: its judged, scored seats in the evaluation stage.
        var expected = episodes
            .Where(e => e.Phase == "eval" && e.Outcome?.Evaluation is not null)
            .SelectMany(e => e.ScoredSeats.Select(seat => e.Seats[seat]))
            .GroupBy(s => s.Role == "expert" ? "expert" : s.Version.ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(7, expected.Count - 1); // v0 … v6, and the expert
        Assert.All(expected.Values, n => Assert.True(n > 1_000, $"a policy has only {n} scored seats"));

        var (reportExit, report) = await RunAsync("--home", home, "report", "--out", dir.Combine("report"));
        Assert.True(reportExit == 0, report);
        var table = ReportCsv.Read(dir.Combine("report", "paper_table.csv")).Where(r => r["set"] == "all").ToList();
        // Labels to versions as the report names them: base is v0, each training round's label its produced version.
        var versions = ReportCsv.Read(dir.Combine("report", "rounds.csv"))
            .ToDictionary(r => r["label"], r => r["produced_version"]);
        versions["base"] = "0";
        versions["expert"] = "expert";
        var reported = table.ToDictionary(
            r => versions[r["policy"]],
            r => int.Parse(r["n"], CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(p => p.Key), reported.OrderBy(p => p.Key));

        // Every training round: export sft writes the examples the round trained on, from the trajectories it kept.
        foreach (var round in campaign.Rounds.Where(r => r.TrainingExamples > 0))
        {
            var file = dir.Combine($"round{round.Round}.jsonl");
            var (exportExit, export) = await RunAsync("--home", home, "export", "sft", "--round", round.Round.ToString(CultureInfo.InvariantCulture), "--out", file);
            Assert.True(exportExit == 0, export);
            Assert.Equal(round.TrainingExamples, (await File.ReadAllLinesAsync(file)).Length);
            Assert.Contains($"from {round.FilteredTrajectories} trajectories", export, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var process = SotopiaProcess.Start(args);
        var exit = await process.WaitForExitAsync(CommandTimeout);
        return (exit, process.Output);
    }
}
