using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class DataCheckTests
{
    [Fact]
    public void ValidDataPrintsCountsSetsWarningsAndOk()
    {
        using var output = new StringWriter();

        var exitCode = DataCheck.Run(TestData.SotopiaOriginal, [TestData.SotopiaPiUsedEnv], output);

        var lines = Lines(output);
        Assert.Equal(DataCheck.ExitValid, exitCode);
        Assert.Contains("characters: 40", lines);
        Assert.Contains("relationships: 120", lines);
        Assert.Contains("scenarios: 90", lines);
        Assert.Contains("tasks: 450", lines);
        Assert.Contains("named sets: 8", lines);
        Assert.Contains("  all: 90 (every scenario)", lines);
        Assert.Contains("  sotopia_env: 90", lines);
        Assert.Contains("  sotopia_hard_env: 14", lines);
        Assert.Contains("  SFT-round-1: 0", lines);
        Assert.Equal(5, lines.Count(l => l.StartsWith("warning: ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("SFT-round-1", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Equal("OK", lines[^1]);
    }

    [Fact]
    public void InvalidDataPrintsEveryErrorAndTheirCount()
    {
        using var dir = new TempDirectory();
        var files = SampleData.Baseline();
        files[SampleData.Tasks][^1]["env_id"] = "e404";
        files[SampleData.Scenarios][^1]["relationship"] = "99";
        SampleData.Write(dir.Path, files);
        using var output = new StringWriter();

        var exitCode = DataCheck.Run(dir.Path, [], output);

        var lines = Lines(output);
        Assert.Equal(DataCheck.ExitInvalid, exitCode);
        Assert.Contains("characters: 3", lines);
        Assert.Contains("scenarios: 1", lines);
        Assert.Contains("tasks: 1", lines);
        Assert.Contains(lines, l => l.StartsWith("error: environment_profiles.jsonl:2: relationship: unknown relationship '99'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error: env_agent_combo_storages.jsonl:2: env_id: ", StringComparison.Ordinal));
        Assert.Equal("2 error(s)", lines[^1]);
    }

    [Fact]
    public void MissingPathIsReportedWithoutAStackTrace()
    {
        var path = Path.Combine(Path.GetTempPath(), "sotopiapi-missing-data-folder");
        using var output = new StringWriter();

        var exitCode = DataCheck.Run(path, [], output);

        var text = output.ToString();
        Assert.Equal(DataCheck.ExitUnreadable, exitCode);
        Assert.Contains($"error: Data path '{path}' does not exist", text);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        Assert.Equal("1 error(s)", Lines(output)[^1]);
    }

    [Fact]
    public void WarningsAloneStillExitZero()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        File.WriteAllText(dir.File("sets.json"), "{\"hard\": [\"e1\", \"e-unknown\"]}");
        using var output = new StringWriter();

        var exitCode = DataCheck.Run(dir.Path, [], output);

        var lines = Lines(output);
        Assert.Equal(DataCheck.ExitValid, exitCode);
        Assert.Contains("  hard: 1", lines);
        Assert.Contains(lines, l => l == "warning: sets.json:1: hard: 1 of 2 ids in set 'hard' are not scenarios of this dataset and were left out");
        Assert.Equal("OK", lines[^1]);
    }

    private static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
