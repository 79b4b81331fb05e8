using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary><c>sotopia --cluster URL report</c> reads the report through the silo's API and writes the same files as
/// the embedded <c>sotopia report</c> on the same store, creating no local store; console commands without a
/// cluster mode refuse <c>--cluster</c> instead of creating <c>./.sotopia</c>.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class ClusterReportTests(ClusterReportTests.CompletedCampaign campaign) : IClassFixture<ClusterReportTests.CompletedCampaign>, IDisposable
{
    private const string Token = "report-token-0123456789";
    private const string CampaignId = "cluster-report";
    private readonly TempDirectory _work = new("sotopia-cluster-report-cwd");
    private readonly TempDirectory _home = new("sotopia-cluster-report-home");

    private SiloTestHost Silo => campaign.Silo!;

    public void Dispose()
    {
        _work.Dispose();
        _home.Dispose();
    }

    /// <summary>One silo with a token, on a SQLite store in <see cref="StoreHome"/>/sotopia.db (where the embedded console
    /// finds it with <c>--home</c>), and a small BC campaign with its evaluation run to completion.</summary>
    public sealed class CompletedCampaign : IAsyncLifetime
    {
        private readonly TempDirectory _folder = new("sotopia-cluster-report");

        internal SiloTestHost? Silo { get; private set; }

        public string StoreHome => _folder.Combine("home");

        public string Combine(string name) => _folder.Combine(name);

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(StoreHome);
            Silo = await SiloTestHost.StartAsync(Path.Combine(StoreHome, "sotopia.db"), token: Token, siloId: "report-silo");
            using var created = await Silo.PostJsonAsync($"api/campaigns?id={CampaignId}", ApiSpecs.Small);
            await ApiAssert.SuccessAsync(created);
            await Silo.WaitForCampaignAsync(CampaignId, CampaignStatus.Completed);
        }

        public async Task DisposeAsync()
        {
            if (Silo is not null)
            {
                await Silo.DisposeAsync();
            }
            _folder.Dispose();
        }
    }

    [Fact]
    public async Task ReportWithClusterWritesTheEmbeddedReportsFilesAndNoLocalStore()
    {
        var (exit, output) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report");
        Assert.True(exit == 0, $"report --cluster exited {exit}:\n{output}");
        var folder = Path.Combine(_work.Path, "reports", CampaignId);
        Assert.Contains($"Report for campaign {CampaignId} (Completed, ", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "report.html"), output, StringComparison.Ordinal);
        // Only the report folder appears: no ./.sotopia, no store, lock or log anywhere in the working directory or home.
        Assert.Equal(["reports"], Directory.GetFileSystemEntries(_work.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Path));

        // The embedded report of the same store (read beside the silo: nothing writes to it any more).
        var embedded = campaign.Combine("embedded-" + Guid.NewGuid().ToString("N"));
        var (embeddedExit, embeddedOutput) = await SotopiaAsync(_work.Path, "--home", campaign.StoreHome, "report", "--campaign", CampaignId, "--out", embedded);
        Assert.True(embeddedExit == 0, $"embedded report exited {embeddedExit}:\n{embeddedOutput}");

        AssertSameFiles(embedded, folder);
        // The report has the evaluation in it (not an empty shell that would match trivially).
        Assert.Contains("| expert", await File.ReadAllTextAsync(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportWithClusterAndHumanRatingsMatchesTheEmbeddedReport()
    {
        // Two evaluated, judged seats rated one point below the judge, and one rating of a seat that is not evaluated.
        var episodes = await Silo.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = CampaignId, Phase = "eval" });
        var rated = episodes.Where(e => e.Outcome is { Succeeded: true } o && o.Evaluation.ForSeat(e.ScoredSeats[0]).Goal >= 1).Take(2).ToList();
        Assert.Equal(2, rated.Count);
        var csv = new StringBuilder("episode_id,seat,annotator,goal\n");
        foreach (var e in rated)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Id},{e.ScoredSeats[0] + 1},rater-a,{e.Outcome!.Evaluation!.ForSeat(e.ScoredSeats[0]).Goal - 1}\n");
        }
        csv.Append(CultureInfo.InvariantCulture, $"{rated[0].Id},{2 - rated[0].ScoredSeats[0]},rater-a,5\n");
        var ratings = campaign.Combine("ratings-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(ratings, csv.ToString());

        var cluster = campaign.Combine("cluster-" + Guid.NewGuid().ToString("N"));
        var (exit, output) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--campaign", CampaignId, "--out", cluster, "--human", ratings);
        Assert.True(exit == 0, $"report --cluster --human exited {exit}:\n{output}");
        Assert.Contains("warning: human ratings:", output, StringComparison.Ordinal);
        var embedded = campaign.Combine("embedded-" + Guid.NewGuid().ToString("N"));
        var (embeddedExit, embeddedOutput) = await SotopiaAsync(_work.Path, "--home", campaign.StoreHome, "report", "--campaign", CampaignId, "--out", embedded, "--human", ratings);
        Assert.True(embeddedExit == 0, $"embedded report --human exited {embeddedExit}:\n{embeddedOutput}");

        Assert.True(File.Exists(Path.Combine(cluster, "human_gap.csv")), output);
        AssertSameFiles(embedded, cluster);
        Assert.Contains("id=\"human-gap\"", await File.ReadAllTextAsync(Path.Combine(cluster, "report.html")), StringComparison.Ordinal);

        // A bad file is refused by the console with file:line before any request; one the silo cannot match is explained.
        var bad = campaign.Combine("bad-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(bad, "episode_id,seat,annotator,goal\nx,3,a,11\n");
        var (badExit, badOutput) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--human", bad);
        Assert.True(badExit == 2, $"expected exit code 2, got {badExit}:\n{badOutput}");
        Assert.Contains($"{bad}:2", badOutput, StringComparison.Ordinal);
        var stranger = campaign.Combine("stranger-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(stranger, "episode_id,seat,annotator,goal\nno-such-episode,1,a,5\n");
        var (strangerExit, strangerOutput) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--human", stranger);
        Assert.True(strangerExit == 2, $"expected exit code 2, got {strangerExit}:\n{strangerOutput}");
        Assert.Contains($"None of the 1 ratings in '{stranger}'", strangerOutput, StringComparison.Ordinal);

        var (missingExit, missing) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--campaign", "nope");
        Assert.True(missingExit == 2, $"expected exit code 2, got {missingExit}:\n{missing}");
        Assert.Contains("Campaign 'nope' does not exist.", missing, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_work.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Path));
    }

    [Fact]
    public async Task TheReportEndpointChecksUploadedRatingsLikeTheConsole()
    {
        using (var bad = await Silo.PostJsonAsync($"api/campaigns/{CampaignId}/report", """{"file": "r.csv", "format": "csv", "text": "episode_id,seat,annotator,goal\nx,3,a,11\n"}"""))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            var body = await bad.Content.ReadAsStringAsync();
            Assert.Contains("The human ratings are not valid.", body, StringComparison.Ordinal);
            Assert.Contains("r.csv:2", body, StringComparison.Ordinal);
        }
        using (var format = await Silo.PostJsonAsync($"api/campaigns/{CampaignId}/report", """{"file": "r.xml", "format": "xml", "text": ""}"""))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, format.StatusCode);
            Assert.Contains("'xml' is not one of csv, jsonl", await format.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var missing = await Silo.PostJsonAsync("api/campaigns/nope/report", """{"file": "r.csv", "format": "csv", "text": "episode_id,seat,annotator,goal\n"}""");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static void AssertSameFiles(string expectedFolder, string actualFolder)
    {
        var names = Directory.GetFiles(expectedFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("report.html", names);
        Assert.Contains("summary.md", names);
        Assert.Contains(names, n => n!.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Equal(names, Directory.GetFiles(actualFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (var name in names)
        {
            Assert.True(
                File.ReadAllText(Path.Combine(expectedFolder, name!)) == File.ReadAllText(Path.Combine(actualFolder, name!)),
                $"{name} differs between the embedded and the cluster report");
        }
    }

    [Theory]
    [InlineData("run", "run")]
    [InlineData("export sft", "export", "sft", "--campaign", CampaignId, "--round", "0", "--out", "sft.jsonl")]
    [InlineData("data export", "data", "export", "dataset")]
    [InlineData("tasks provenance", "tasks", "provenance")]
    [InlineData("models check", "models", "check")]
    [InlineData("data check", "data", "check", "starter")]
    public async Task ACommandWithoutAClusterModeRefusesClusterAndCreatesNothing(string name, params string[] command)
    {
        var (exit, output) = await SotopiaAsync(_work.Path, ["--cluster", Silo.BaseAddress.ToString(), .. command]);
        Assert.True(exit == 2, $"expected exit code 2, got {exit}:\n{output}");
        Assert.Contains($"'sotopia {name}' has no cluster mode", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_work.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Path));
    }

    [Theory]
    [InlineData("campaign", "list")]
    [InlineData("campaign", "status", CampaignId)]
    [InlineData("episodes", "list", "--campaign", CampaignId)]
    [InlineData("policy", "list")]
    [InlineData("silos")]
    public async Task ACommandWithAClusterModeCreatesNoLocalStore(params string[] command)
    {
        var (exit, output) = await SotopiaAsync(_work.Path, ["--cluster", Silo.BaseAddress.ToString(), .. command]);
        Assert.True(exit == 0, $"sotopia {string.Join(' ', command)} exited {exit}:\n{output}");
        Assert.Empty(Directory.GetFileSystemEntries(_work.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Path));
    }

    private async Task<(int ExitCode, string Output)> SotopiaAsync(string workingDirectory, params string[] arguments)
    {
        using var process = DotnetProcess.Start(
            "sotopia.dll", arguments,
            new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = Token, ["HOME"] = _home.Path, ["TERM"] = null, ["NO_COLOR"] = "1" },
            workingDirectory);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, AnsiCodes().Replace(process.Output, ""));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiCodes();
}
