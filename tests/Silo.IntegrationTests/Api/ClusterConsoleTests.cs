using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>The real <c>sotopia</c> console in cluster mode (a child process) against a silo listening on
/// 127.0.0.1 with a token: start, watch to the end, status, lists, an episode, a refused spec, a missing token
/// and an unreachable silo.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class ClusterConsoleTests : IAsyncLifetime
{
    private const string Token = "console-token-0123456789";
    private readonly TempDirectory _folder = new("sotopia-console");
    private SiloTestHost? _silo;

    public async Task InitializeAsync() =>
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), token: Token, siloId: "console-silo");

    public async Task DisposeAsync()
    {
        await _silo!.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task TheConsoleStartsWatchesAndInspectsACampaignOnTheCluster()
    {
        var spec = _folder.Combine("spec.json");
        await File.WriteAllTextAsync(spec, ApiSpecs.Small);

        var start = await SotopiaAsync("campaign", "start", "--spec", spec);
        var id = CreatedId().Match(start).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(id), $"no campaign id in:\n{start}");

        var watch = await SotopiaAsync("campaign", "watch", id, "--interval", "00:00:00.200");
        Assert.Contains($"Campaign {id} completed.", watch, StringComparison.Ordinal);
        Assert.Contains($"BC: expert vs expert: {ApiSpecs.BcEpisodes}/{ApiSpecs.BcEpisodes} done", watch, StringComparison.Ordinal);
        Assert.Contains("training done → v1", watch, StringComparison.Ordinal);
        Assert.Contains("silo console-silo: active", watch, StringComparison.Ordinal);
        Assert.Contains("Evaluation vs partner", watch, StringComparison.Ordinal);

        var stored = await _silo!.GetAsync<CampaignStatusResponse>($"api/campaigns/{id}");
        Assert.Equal(CampaignStatus.Completed, stored.Status);

        var status = await SotopiaAsync("campaign", "status", id);
        Assert.Contains($"{id} Bc — status completed", status, StringComparison.Ordinal);
        Assert.Contains("Training rounds", status, StringComparison.Ordinal);

        Assert.Contains(id, await SotopiaAsync("campaign", "list"), StringComparison.Ordinal);
        // Two pages by the cursor the first one prints: together every round-0 episode, none twice.
        var roundZero = (await _silo!.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=0&limit=50")).Items.Select(e => e.Id).ToList();
        var firstPage = await SotopiaAsync("episodes", "list", "--campaign", id, "--round", "0", "--limit", "4");
        Assert.Contains($"4 shown of {ApiSpecs.BcEpisodes}; next page: --after", Flat(firstPage), StringComparison.Ordinal);
        var lastPage = await SotopiaAsync("episodes", "list", "--campaign", id, "--round", "0", "--limit", "4", "--after", NextCursor().Match(firstPage).Groups[1].Value);
        Assert.Contains($"{ApiSpecs.BcEpisodes - 4} shown of {ApiSpecs.BcEpisodes}; this is the last page.", Flat(lastPage), StringComparison.Ordinal);
        var listed = IdsIn(firstPage, roundZero).Concat(IdsIn(lastPage, roundZero)).ToList();
        Assert.Equal(roundZero.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var episodeId = (await _silo.GetAsync<EpisodePageResponse>($"api/campaigns/{id}/episodes?round=0&limit=1")).Items[0].Id;
        var episode = await _silo.GetAsync<EpisodeDetailResponse>($"api/episodes/{episodeId}");
        var shown = await SotopiaAsync("episodes", "show", episodeId);
        Assert.Contains($"Turn #0 {episode.Turns[0].Line}", shown, StringComparison.Ordinal);
        Assert.Contains(episode.Seats[1].Name, shown, StringComparison.Ordinal);
        Assert.Contains("judge's reasoning", shown, StringComparison.Ordinal);

        var policy = await SotopiaAsync("policy", "list");
        Assert.Matches(@"│ \* +│ v1 +│ bc ", policy);
        Assert.Contains("console-silo", await SotopiaAsync("silos"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsolePrintsTheSilosRefusalFieldByField()
    {
        var spec = _folder.Combine("bad.json");
        await File.WriteAllTextAsync(spec, """{"sr_rounds": -1, "evaluation_set": "nope"}""");
        var (exit, output) = await RunSotopiaAsync(Token, "campaign", "start", "--spec", spec);
        Assert.True(exit == 2, $"expected exit code 2, got {exit}:\n{output}");
        Assert.Contains("400 Bad Request: The campaign spec is not valid.", output, StringComparison.Ordinal);
        Assert.Contains("  sr_rounds: -1 is outside 0..100", output, StringComparison.Ordinal);
        Assert.Contains("  evaluation_set: 'nope'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Empty(await _silo!.GetAsync<CampaignSummaryResponse[]>("api/campaigns"));
    }

    [Fact]
    public async Task TheConsoleExplainsAMissingTokenAndAnUnreachableSilo()
    {
        var (exit, output) = await RunSotopiaAsync(null, "campaign", "list");
        Assert.True(exit == 2, $"expected exit code 2, got {exit}:\n{output}");
        Assert.Contains("SOTOPIA_API_TOKEN", output, StringComparison.Ordinal);

        var (wrongExit, wrong) = await RunSotopiaAsync("not-the-token-0123456789", "campaign", "list");
        Assert.Equal(2, wrongExit);
        Assert.Contains("refused the token", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-0123456789", wrong, StringComparison.Ordinal);

        var (unreachableExit, unreachable) = await DotnetProcess.RunAsync(
            "sotopia.dll", ["--cluster", "http://127.0.0.1:1", "campaign", "list"], new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = Token });
        Assert.Equal(1, unreachableExit);
        Assert.Contains("cannot reach the silo at http://127.0.0.1:1/", Plain(unreachable), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsoleGivesUpOnAFrozenSiloNamingItsUrlAndTheOption()
    {
        // A frozen silo: the connection is accepted, no answer ever comes.
        using var frozen = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        frozen.Start();
        var port = ((System.Net.IPEndPoint)frozen.LocalEndpoint).Port;
        var accepted = frozen.AcceptSocketAsync();
        var (exit, output) = await DotnetProcess.RunAsync(
            "sotopia.dll", ["--cluster", $"http://127.0.0.1:{port}", "--http-timeout", "1.5", "campaign", "list"],
            new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = Token, ["TERM"] = null, ["NO_COLOR"] = "1" });
        using (await accepted)
        {
            Assert.True(exit == 1, $"expected exit code 1, got {exit}:\n{output}");
            var text = Plain(output);
            Assert.Contains($"the silo at http://127.0.0.1:{port}/ did not answer within 1.5 s", text, StringComparison.Ordinal);
            Assert.Contains("--http-timeout", text, StringComparison.Ordinal);
        }

        var (badExit, bad) = await RunSotopiaAsync(Token, "--http-timeout", "0", "campaign", "list");
        Assert.True(badExit == 2, $"expected exit code 2, got {badExit}:\n{bad}");
        Assert.Contains("--http-timeout: 0", bad, StringComparison.Ordinal);
    }

    private async Task<string> SotopiaAsync(params string[] arguments)
    {
        var (exit, output) = await RunSotopiaAsync(Token, arguments);
        Assert.True(exit == 0, $"sotopia {string.Join(' ', arguments)} exited {exit}:\n{output}");
        return output;
    }

    private async Task<(int ExitCode, string Output)> RunSotopiaAsync(string? token, params string[] arguments)
    {
        var (exit, output) = await DotnetProcess.RunAsync(
            "sotopia.dll", ["--cluster", _silo!.BaseAddress.ToString(), .. arguments],
            new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = token, ["TERM"] = null, ["NO_COLOR"] = "1" });
        return (exit, Plain(output));
    }

    /// <summary>The output's words separated by single spaces (the console wraps long lines).</summary>
    private static string Flat(string output) => string.Join(' ', output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Which of <paramref name="ids"/> a table in <paramref name="output"/> lists.</summary>
    private static IEnumerable<string> IdsIn(string output, IEnumerable<string> ids) =>
        ids.Where(i => output.Split(['│', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains(i, StringComparer.Ordinal));

    /// <summary>The output without terminal colour codes.</summary>
    private static string Plain(string output) => AnsiCodes().Replace(output, "");

    [GeneratedRegex(@"Created campaign (\S+) ")]
    private static partial Regex CreatedId();

    [GeneratedRegex(@"next page: --after\s+(\S+)")]
    private static partial Regex NextCursor();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiCodes();
}
