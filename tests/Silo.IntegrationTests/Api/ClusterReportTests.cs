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

        var names = Directory.GetFiles(embedded).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("report.html", names);
        Assert.Contains("summary.md", names);
        Assert.Contains(names, n => n!.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Equal(names, Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (var name in names)
        {
            Assert.True(
                await File.ReadAllTextAsync(Path.Combine(embedded, name!)) == await File.ReadAllTextAsync(Path.Combine(folder, name!)),
                $"{name} differs between the embedded and the cluster report");
        }
        // The report has the evaluation in it (not an empty shell that would match trivially).
        Assert.Contains("| expert", await File.ReadAllTextAsync(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportWithClusterWritesIntoOutAndRefusesHumanRatings()
    {
        var target = campaign.Combine("chosen-" + Guid.NewGuid().ToString("N"));
        var (exit, output) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--campaign", CampaignId, "--out", target);
        Assert.True(exit == 0, $"report --cluster --out exited {exit}:\n{output}");
        Assert.True(File.Exists(Path.Combine(target, "report.html")), output);

        var (humanExit, human) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--human", campaign.Combine("ratings.csv"));
        Assert.True(humanExit == 2, $"expected exit code 2, got {humanExit}:\n{human}");
        Assert.Contains("--human is not available with --cluster", human, StringComparison.Ordinal);

        var (missingExit, missing) = await SotopiaAsync(_work.Path, "--cluster", Silo.BaseAddress.ToString(), "report", "--campaign", "nope");
        Assert.True(missingExit == 2, $"expected exit code 2, got {missingExit}:\n{missing}");
        Assert.Contains("Campaign 'nope' does not exist.", missing, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_work.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Path));
    }

    [Theory]
    [InlineData("run", "run")]
    [InlineData("export sft", "export", "sft", "--campaign", CampaignId, "--round", "0", "--out", "sft.jsonl")]
    [InlineData("data export", "data", "export", "dataset")]
    [InlineData("tasks provenance", "tasks", "provenance")]
    public async Task ACommandWithoutAClusterModeRefusesClusterAndCreatesNothing(string name, params string[] command)
    {
        var (exit, output) = await SotopiaAsync(_work.Path, ["--cluster", Silo.BaseAddress.ToString(), .. command]);
        Assert.True(exit == 2, $"expected exit code 2, got {exit}:\n{output}");
        Assert.Contains($"'sotopia {name}' has no cluster mode", output, StringComparison.Ordinal);
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
