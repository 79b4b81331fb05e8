using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>Loads the real SOTOPIA data from the shared folder.</summary>
public sealed class OriginalDataTests
{
    [Fact]
    public void OriginalFolderLoadsEveryRecordWithoutProblems()
    {
        var result = SotopiaDataLoader.Load(TestData.SotopiaOriginal);

        Assert.Empty(result.Problems);
        Assert.True(result.IsValid);
        Assert.Equal(40, result.Dataset.Characters.Length);
        Assert.Equal(120, result.Dataset.Relationships.Length);
        Assert.Equal(90, result.Dataset.Scenarios.Length);
        Assert.Equal(450, result.Dataset.Tasks.Length);
        Assert.Equal([SotopiaDataLoader.AllScenariosSet], result.Dataset.NamedSets.Keys);
        Assert.Equal(result.Dataset.Scenarios.Select(s => s.Id), result.Dataset.NamedSets[SotopiaDataLoader.AllScenariosSet]);
        Assert.StartsWith("folder ", result.Source);
    }

    [Fact]
    public void RelationshipDistributionMatchesTheReadme()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        var counts = dataset.Relationships.GroupBy(r => (int)r.Relationship).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(new Dictionary<int, int> { [2] = 31, [3] = 24, [1] = 19, [4] = 16, [0] = 15, [5] = 15 }, counts);
    }

    [Fact]
    public void ScenarioFieldsAreNormalised()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        Assert.All(dataset.Scenarios, s => Assert.Equal(2, s.Goals.Length));
        Assert.All(dataset.Scenarios, s => Assert.Null(s.AgentConstraint));
        Assert.Equal(89, dataset.Scenarios.Count(s => s.AgeConstraint == Scenario.DefaultAgeConstraint));
        var special = Assert.Single(dataset.Scenarios, s => s.AgeConstraint != Scenario.DefaultAgeConstraint);
        Assert.Equal("[(21, 70), (21, 70)]", special.AgeConstraint);
        Assert.Equal(89, dataset.Scenarios.Count(s => s.OccupationConstraint is null));
        Assert.Equal("[actor, actor]", Assert.Single(dataset.Scenarios, s => s.OccupationConstraint is not null).OccupationConstraint);
        var relationships = dataset.Scenarios.GroupBy(s => (int)s.Relationship).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<int, int> { [3] = 46, [0] = 25, [2] = 10, [4] = 5, [1] = 4 }, relationships);
    }

    [Fact]
    public void CharacterValueListsAreTrimmed()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        var amara = Assert.Single(dataset.Characters, c => c.Id == "01H5TNE5PRCAF1CK5ERS5MVZ22");
        Assert.Equal("Amara Hartley", amara.FullName);
        Assert.Equal(29, amara.Age);
        Assert.Equal(["Care", "Fairness"], amara.MoralValues.ToArray());
        Assert.Equal(["Universalism", "Benevolence", "Self-Direction"], amara.SchwartzPersonalValues.ToArray());
        Assert.All(dataset.Characters, c => Assert.All(c.MoralValues.Concat(c.SchwartzPersonalValues), v => Assert.Equal(v.Trim(), v)));
        Assert.Equal(20, dataset.Characters.Count(c => c.Gender == "Man"));
        Assert.InRange(dataset.Characters.Min(c => c.Age), 21, 63);
        Assert.InRange(dataset.Characters.Max(c => c.Age), 21, 63);
    }

    [Fact]
    public void TasksKeepTheirSeatOrder()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        var task = Assert.Single(dataset.Tasks, t => t.Id == "01H7ZM14XBH3G2E5HM586T902Y");
        Assert.Equal("01H7VFHNK78PAEH6MRVYMTSEFX", task.ScenarioId);
        Assert.Equal("01H5TNE5PAATSHM0K9ACWKN79P", task.Agent1Id);
        Assert.Equal("01H5TNE5P98J20AEW94XQ0KC35", task.Agent2Id);
        Assert.All(dataset.Scenarios, s => Assert.Equal(5, dataset.Tasks.Count(t => t.ScenarioId == s.Id)));
    }

    [Fact]
    public void SotopiaPiSplitsLoadAsNamedSetsWithUnknownIdsWarned()
    {
        var result = SotopiaDataLoader.Load(TestData.SotopiaOriginal, [TestData.SotopiaPiUsedEnv]);

        Assert.True(result.IsValid);
        var sets = result.Dataset.NamedSets;
        Assert.Equal(8, sets.Count); // used_env.json's 7 and the built-in "all"
        Assert.Equal(90, sets["sotopia_env"].Length);
        Assert.Equal(14, sets["sotopia_hard_env"].Length);
        Assert.Empty(sets["SFT-round-1"]);
        var scenarioIds = result.Dataset.Scenarios.Select(s => s.Id).ToHashSet();
        Assert.All(sets["sotopia_hard_env"], id => Assert.Contains(id, scenarioIds));

        var warning = Assert.Single(result.Warnings, w => w.Field == "SFT-round-1");
        Assert.Equal(TestData.SotopiaPiUsedEnv, warning.File);
        Assert.NotNull(warning.Line);
        Assert.Contains("100 of 100", warning.Message);
        Assert.Contains("'SFT-round-1'", warning.Message);
        Assert.DoesNotContain(result.Warnings, w => w.Field is "sotopia_env" or "sotopia_hard_env");
        Assert.Equal(5, result.Warnings.Count());
    }

    [Fact]
    public void LoadingIsRepeatableAndKeepsFileOrder()
    {
        var first = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;
        var second = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        DatasetAssert.Equal(first, second);
        Assert.Equal("01H5TNE5PRCAF1CK5ERS5MVZ22", first.Characters[0].Id);
        Assert.Equal("01H7VFHP3DPGRXH1Y500VQKFZA", first.Scenarios[0].Id);
    }
}
