using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>The real console, as a user runs it: clear messages and exit codes, never a stack trace for bad input.</summary>
public sealed partial class CliTests
{
    private static string SharedOriginal()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "sotopia", "sotopia_original");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("shared/data/sotopia/sotopia_original was not found above the test binaries; put 'shared' beside the clone.");
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var process = SotopiaProcess.Start(args);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, process.Output);
    }

    [Fact]
    public async Task DataCheckReportsTheOriginalSotopiaCounts()
    {
        var (exit, output) = await RunAsync("data", "check", SharedOriginal());
        Assert.True(exit == 0, output);
        foreach (var expected in new[] { "characters: 40", "relationships: 120", "scenarios: 90", "tasks: 450" })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DataCheckNamesTheFileLineAndFieldOfBadData()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("environment_profiles.jsonl"),
            "{\"env_id\": \"e1\", \"scenario\": \"s\", \"agent_goals\": [\"only one\"], \"relationship\": 3}\n");
        var (exit, output) = await RunAsync("data", "check", dir.Path);
        Assert.NotEqual(0, exit);
        Assert.Contains("environment_profiles.jsonl:1", output, StringComparison.Ordinal);
        Assert.Contains("agent_goals", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRunOptionsGiveAClearErrorAndNoStackTrace()
    {
        using var dir = new TempDirectory();
        var (exit, output) = await RunAsync("run", "--out", dir.Path, "--mode", "bogus", "--no-progress");
        Assert.Equal(2, exit);
        Assert.Contains("--mode: 'bogus'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        var (resumeExit, resumeOutput) = await RunAsync("run", "--out", dir.Path, "--resume", "--no-progress");
        Assert.Equal(2, resumeExit);
        Assert.Contains("no unfinished campaign", resumeOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataImportThenExportRoundTripsTheStarterDataThroughTheStore()
    {
        using var dir = new TempDirectory();
        var starter = Path.Combine(AppContext.BaseDirectory, "data", "starter");
        var (importExit, importOutput) = await RunAsync("--home", dir.Combine("home"), "data", "import", starter);
        Assert.True(importExit == 0, importOutput);
        Assert.Contains("Imported 24 characters, 72 relationships, 40 scenarios, 200 tasks", importOutput, StringComparison.Ordinal);

        var (exportExit, exportOutput) = await RunAsync("--home", dir.Combine("home"), "data", "export", dir.Combine("out"));
        Assert.True(exportExit == 0, exportOutput);
        var (checkExit, checkOutput) = await RunAsync("data", "check", dir.Combine("out"));
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("scenarios: 40", checkOutput, StringComparison.Ordinal);
        Assert.Contains("hard", checkOutput, StringComparison.Ordinal);
    }

    /// <summary>The output on one line with single spaces (the console wraps long lines).</summary>
    private static IEnumerable<string> RoundZeroIds(string list) =>
        list.Split(['│', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(t => t.Contains("-r0-t-", StringComparison.Ordinal));

    [System.Text.RegularExpressions.GeneratedRegex(@"(\d+) shown of (\d+); next page: --after (\S+)")]
    private static partial System.Text.RegularExpressions.Regex PageFooter();

    private static string Flat(string output) => string.Join(' ', output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Two imports with the same named set are two versions; both are listed with their sets, and export
    /// writes the one asked for.</summary>
    [Fact]
    public async Task EachImportIsAVersionListedByDataList()
    {
        using var dir = new TempDirectory();
        var home = dir.Combine("home");
        var starter = Path.Combine(AppContext.BaseDirectory, "data", "starter");
        var (firstExit, first) = await RunAsync("--home", home, "data", "import", starter);
        Assert.True(firstExit == 0, first);
        Assert.Contains("as dataset version 1", Flat(first), StringComparison.Ordinal);
        Directory.CreateDirectory(dir.Combine("b"));
        foreach (var file in Directory.GetFiles(starter, "*.jsonl"))
        {
            File.Copy(file, dir.Combine("b", Path.GetFileName(file)));
        }
        var scenario = File.ReadLines(dir.Combine("b", "environment_profiles.jsonl")).First();
        var id = System.Text.Json.JsonDocument.Parse(scenario).RootElement.GetProperty("env_id").GetString()!;
        await File.WriteAllTextAsync(dir.Combine("b", "sets.json"), $$"""{"hard": ["{{id}}"]}""");

        var (secondExit, second) = await RunAsync("--home", home, "data", "import", dir.Combine("b"));
        var (listExit, list) = await RunAsync("--home", home, "data", "list");
        var (exportExit, export) = await RunAsync("--home", home, "data", "export", dir.Combine("v1"), "--version", "1");
        var (checkExit, check) = await RunAsync("data", "check", dir.Combine("v1"));
        var (missingExit, missing) = await RunAsync("--home", home, "data", "export", dir.Combine("v9"), "--version", "9");

        Assert.True(secondExit == 0, second);
        Assert.Contains("as dataset version 2", Flat(second), StringComparison.Ordinal);
        Assert.True(listExit == 0, list);
        var rows = list.Split('\n').Where(l => l.Contains("hard", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.True(exportExit == 0, export);
        Assert.True(checkExit == 0, check);
        // Version 1 keeps the starter's ten hard scenarios; version 2's one-scenario "hard" did not overwrite it.
        Assert.Contains("hard: 10", check, StringComparison.Ordinal);
        Assert.NotEqual(0, missingExit);
        Assert.Contains("Dataset version 9 does not exist", Flat(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AYamlSpecCampaignCanBeStartedInspectedExportedAndRolledBack()
    {
        using var dir = new TempDirectory();
        var home = dir.Combine("home");
        await File.WriteAllTextAsync(dir.Combine("spec.yaml"), """
            # a tiny BC + 1 SR campaign
            name: tiny
            mode: bc_sr
            sr_rounds: 1
            scenarios_per_round: 2
            pairs_per_scenario: 3
            evaluation_pairs_per_scenario: 1
            trainer:
              epochs: 4
            seed: 5
            """);
        var (exit, output) = await RunAsync("--home", home, "campaign", "start", "--spec", dir.Combine("spec.yaml"), "--no-progress");
        Assert.True(exit == 0, output);
        Assert.Contains("bc+sr1 (v2)", output, StringComparison.Ordinal);

        var (statusExit, status) = await RunAsync("--home", home, "campaign", "status");
        Assert.True(statusExit == 0, status);
        Assert.Contains("Completed", status, StringComparison.Ordinal);

        var (listExit, list) = await RunAsync("--home", home, "episodes", "list", "--round", "0");
        Assert.True(listExit == 0, list);
        var episodeId = list.Split(['│', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).First(t => t.Contains("-r0-t-", StringComparison.Ordinal));

        // Paging: the first page prints the cursor of the next; together the pages list every episode once.
        var (firstExit, first) = await RunAsync("--home", home, "episodes", "list", "--round", "0", "--limit", "3");
        Assert.True(firstExit == 0, first);
        var paging = PageFooter().Match(Flat(first));
        Assert.True(paging.Success, $"no 'N shown of T; next page: --after CURSOR' line in:\n{first}");
        var total = int.Parse(paging.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("3", paging.Groups[1].Value);
        var (restExit, rest) = await RunAsync("--home", home, "episodes", "list", "--round", "0", "--limit", "1000", "--after", paging.Groups[3].Value);
        Assert.True(restExit == 0, rest);
        Assert.Contains($"{total - 3} shown of {total}; this is the last page.", Flat(rest), StringComparison.Ordinal);
        var paged = RoundZeroIds(first).Concat(RoundZeroIds(rest)).ToList();
        Assert.Equal(total, paged.Count);
        Assert.Equal(total, paged.Distinct(StringComparer.Ordinal).Count());
        var (badExit, bad) = await RunAsync("--home", home, "episodes", "list", "--after", "not-a-cursor");
        Assert.True(badExit == 2, bad);
        Assert.Contains("--after: 'not-a-cursor' is not a cursor a page printed", Flat(bad), StringComparison.Ordinal);

        var (showExit, show) = await RunAsync("--home", home, "episodes", "show", episodeId);
        Assert.True(showExit == 0, show);
        Assert.Contains("Turn #0", show, StringComparison.Ordinal);
        Assert.Contains("believability", show, StringComparison.Ordinal);
        Assert.Contains("sim-judge", show, StringComparison.Ordinal);

        var (exportExit, export) = await RunAsync("--home", home, "export", "sft", "--round", "0", "--format", "alpaca", "--out", dir.Combine("bc.jsonl"));
        Assert.True(exportExit == 0, export);
        var lines = await File.ReadAllLinesAsync(dir.Combine("bc.jsonl"));
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            Assert.Contains("You are at Turn #", json.RootElement.GetProperty("input").GetString(), StringComparison.Ordinal);
            Assert.Contains("action_type", json.RootElement.GetProperty("output").GetString(), StringComparison.Ordinal);
        });

        var (rollbackExit, rollback) = await RunAsync("--home", home, "policy", "rollback");
        Assert.True(rollbackExit == 0, rollback);
        Assert.Contains("sotopia-pi v1", rollback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownSpecKeyIsAnErrorNamingTheKey()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("spec.yaml"), "name: typo\nsr_round: 3\n");
        var (exit, output) = await RunAsync("--home", dir.Combine("home"), "campaign", "start", "--spec", dir.Combine("spec.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("sr_round", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataImportOfBadDataPrintsPlainLabelsAndCreatesNoStore()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("bad"));
        await File.WriteAllTextAsync(dir.Combine("bad", "environment_profiles.jsonl"),
            "{\"env_id\": \"e1\", \"scenario\": \"s\", \"agent_goals\": [\"only one\"], \"relationship\": 3}\n");

        var (exit, output) = await RunAsync("--home", dir.Combine("home"), "data", "import", dir.Combine("bad"));

        Assert.Equal(1, exit);
        Assert.Contains("error: environment_profiles.jsonl:1: agent_goals: expected exactly 2 goals, found 1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[red]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[/]", output, StringComparison.Ordinal);
        Assert.Contains("Nothing imported: 1 error(s)", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("home")), "a rejected import created the store folder");
    }

    [Fact]
    public async Task RejectedRunsAndCampaignStartsCreateNoStoreFolder()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("bad-spec.yaml"), "name: bad\ntrainer:\n  learning_rate: 1e308\nscenarios_per_round: 100000\n");
        await File.WriteAllTextAsync(dir.Combine("bad-llm.yaml"), "defaults:\n  temperature: 9\n");
        var cases = new (string Folder, string[] Args, string Expected)[]
        {
            ("mode", ["run", "--out", dir.Combine("mode"), "--mode", "bogus"], "--mode: 'bogus' is not one of bc, sr, bc+sr, eval."),
            ("resume", ["run", "--out", dir.Combine("resume"), "--resume"], $"There is no unfinished campaign in '{dir.Combine("resume")}' to resume."),
            ("set", ["run", "--out", dir.Combine("set"), "--mode", "eval", "--eval-set", "nope"], "evaluation_set: 'nope' is not a named set of the dataset (it has: all, hard, train)"),
            ("spec", ["--home", dir.Combine("spec"), "campaign", "start", "--spec", dir.Combine("bad-spec.yaml")], "  - trainer.learning_rate: 1e+308 is not between 1e-6 and 10"),
            ("llm", ["run", "--out", dir.Combine("llm"), "--backend", "llm", "--config", dir.Combine("bad-llm.yaml")], "defaults.temperature (every role): '9' must be a number from 0 to 2"),
        };

        var outputs = new Dictionary<string, string>();
        foreach (var (folder, args, expected) in cases)
        {
            var (exit, output) = await RunAsync(args);
            outputs[folder] = output;
            Assert.True(exit == 2, $"sotopia {string.Join(' ', args)} exited {exit}, expected 2: {output}");
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(dir.Combine(folder)), $"sotopia {string.Join(' ', args)} created {dir.Combine(folder)} although it was rejected");
        }
        Assert.Contains("  - scenarios_per_round: 100000 is outside 1..1000", outputs["spec"], StringComparison.Ordinal);
        Assert.Single(outputs["llm"].Split('\n'), l => l.Contains("temperature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEvalRunSaysWhatItRunsAndLabelsTheVersionOnce()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("eval.yaml"), "name: eval\nmode: eval\nevaluation_pairs_per_scenario: 1\n");

        var (exit, output) = await RunAsync("run", "--out", dir.Combine("home"), "--spec", dir.Combine("eval.yaml"), "--no-progress");

        Assert.True(exit == 0, output);
        Assert.Contains(": evaluation of the active policy version and the expert on 'hard'; dataset 'starter', seed 42.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SR round", output, StringComparison.Ordinal);
        Assert.DoesNotContain("v0 (v0)", output, StringComparison.Ordinal);
        Assert.Contains("│ v0 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatasetWithoutNamedSetsCanBeEvaluatedOnEveryScenarioWithEvalSetAll()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("eval.yaml"), "name: eval-all\nmode: eval\nevaluation_pairs_per_scenario: 1\nevaluate_expert: false\n");

        var (exit, output) = await RunAsync(
            "run", "--out", dir.Combine("home"), "--spec", dir.Combine("eval.yaml"), "--dataset", SharedOriginal(), "--eval-set", "all", "--no-progress");

        Assert.True(exit == 0, output);
        Assert.Contains("evaluation of the active policy version on 'all' (every scenario)", output, StringComparison.Ordinal);
        Assert.Contains("Evaluation vs partner: 180/180", output, StringComparison.Ordinal);
        Assert.Contains("│ 180 │", output, StringComparison.Ordinal);
    }
}
