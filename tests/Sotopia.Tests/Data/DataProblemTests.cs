using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class DataProblemTests
{
    [Fact]
    public void ToStringLeavesOutMissingParts()
    {
        Assert.Equal(
            "environment_profiles.jsonl:12: agent_goals: expected exactly 2 goals, found 3",
            new DataProblem(DataProblemSeverity.Error, "environment_profiles.jsonl", 12, "agent_goals", "expected exactly 2 goals, found 3").ToString());
        Assert.Equal("dump.json: skipped", new DataProblem(DataProblemSeverity.Warning, "dump.json", null, null, "skipped").ToString());
        Assert.Equal("a.jsonl:3: bad", new DataProblem(DataProblemSeverity.Error, "a.jsonl", 3, null, "bad").ToString());
    }

    [Fact]
    public void ResultIsValidOnlyWithoutErrors()
    {
        var warning = new DataProblem(DataProblemSeverity.Warning, "f", null, null, "w");
        var error = new DataProblem(DataProblemSeverity.Error, "f", 1, null, "e");

        Assert.True(new DataLoadResult(Grains.Interfaces.SotopiaDataset.Empty, [warning], "s").IsValid);
        Assert.False(new DataLoadResult(Grains.Interfaces.SotopiaDataset.Empty, [warning, error], "s").IsValid);
        Assert.Equal([error], new DataLoadResult(Grains.Interfaces.SotopiaDataset.Empty, [warning, error], "s").Errors);
    }
}
