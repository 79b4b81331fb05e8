using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>The starter dataset we ship is valid and covers what the core issue promises.</summary>
public sealed class StarterDatasetTests
{
    private static readonly DataLoadResult Loaded = SotopiaDataLoader.Load(TestData.Starter);

    [Fact]
    public void LoadsWithoutAnyProblem()
    {
        Assert.Empty(Loaded.Problems.Select(p => p.ToString()));
        var d = Loaded.Dataset;
        Assert.True(d.Characters.Length >= 20, $"{d.Characters.Length} characters");
        Assert.True(d.Relationships.Length >= 40, $"{d.Relationships.Length} relationships");
        Assert.True(d.Scenarios.Length >= 30, $"{d.Scenarios.Length} scenarios");
        Assert.Equal(5 * d.Scenarios.Length, d.Tasks.Length);
    }

    [Fact]
    public void CoversEveryRelationshipTypeAndEveryKindOfSocialTask()
    {
        var d = Loaded.Dataset;
        Assert.Equal(Enum.GetValues<RelationshipType>().Order(), d.Scenarios.Select(s => s.Relationship).Distinct().Order());
        Assert.Equal(Enum.GetValues<RelationshipType>().Order(), d.Relationships.Select(r => r.Relationship).Distinct().Order());
        Assert.Equal(
            ["bargaining", "conflict", "cooperation", "negotiation", "norms", "persuasion", "secret", "splitting"],
            d.Scenarios.Select(s => s.Tag).Distinct().Order());
    }

    [Fact]
    public void HasAHardSetOfAtLeastEightScenariosDisjointFromTraining()
    {
        var d = Loaded.Dataset;
        var hard = d.NamedSets["hard"];
        Assert.True(hard.Length >= 8, $"hard set has {hard.Length} scenarios");
        Assert.Empty(hard.Intersect(d.NamedSets["train"]));
        Assert.All(hard, id => Assert.Contains(d.Scenarios, s => s.Id == id));
    }

    [Fact]
    public void EveryScenarioHasEnoughMatchingPairsForTenEpisodesOrItsConstraintExplainsWhy()
    {
        var d = Loaded.Dataset;
        foreach (var scenario in d.Scenarios)
        {
            var pairs = ConstraintBasedSampler.Sample(d, scenario, 10, seed: 1);
            Assert.True(pairs.Length >= 5, $"{scenario.Codename}: only {pairs.Length} character pairs fit");
            if (AgeConstraint.TryParse(scenario.AgeConstraint, out _, out _) && scenario.AgeConstraint == Scenario.DefaultAgeConstraint)
            {
                Assert.Equal(10, pairs.Length);
            }
        }
    }
}
