using System.Collections.Immutable;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class SamplerTests
{
    [Fact]
    public void ConstraintBasedSamplerKeepsOnlyPairsOfTheScenarioRelationship()
    {
        var dataset = Small();

        var tasks = ConstraintBasedSampler.Sample(dataset, Friends(), 10, seed: 1);

        Assert.Equal(
            ["ann>ben", "ben>eve", "cat>dan", "dan>eve", "eve>ann"],
            tasks.Select(t => $"{t.Agent1Id}>{t.Agent2Id}").Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.Equal("friends", t.ScenarioId));
    }

    [Fact]
    public void ConstraintBasedSamplerUsesTheRelationshipPairOrder()
    {
        var tasks = ConstraintBasedSampler.Sample(Small(), Friends() with { Relationship = RelationshipType.Stranger }, 10, seed: 1);

        var task = Assert.Single(tasks);
        Assert.Equal(("ann", "cat"), (task.Agent1Id, task.Agent2Id));
    }

    [Fact]
    public void DefaultAgeConstraintFiltersNothingButOtherRangesDo()
    {
        var dataset = Small();

        var adultsOnly = ConstraintBasedSampler.Sample(dataset, Friends() with { AgeConstraint = "[(21, 70), (21, 70)]" }, 10, seed: 1);
        var olderFirst = ConstraintBasedSampler.Sample(dataset, Friends() with { AgeConstraint = "[(40, 70), (18, 35)]" }, 10, seed: 1);

        Assert.Equal(["ann>ben", "ben>eve", "dan>eve", "eve>ann"], adultsOnly.Select(t => $"{t.Agent1Id}>{t.Agent2Id}").Order(StringComparer.Ordinal));
        var only = Assert.Single(olderFirst);
        Assert.Equal(("eve", "ann"), (only.Agent1Id, only.Agent2Id));
    }

    [Fact]
    public void AgentConstraintRestrictsEachSeat()
    {
        var scenario = Friends() with { AgentConstraint = [["dan", "eve"], ["eve"]] };

        var tasks = ConstraintBasedSampler.Sample(Small(), scenario, 10, seed: 3);

        var task = Assert.Single(tasks);
        Assert.Equal(("dan", "eve"), (task.Agent1Id, task.Agent2Id));
    }

    [Fact]
    public void EmptyAgentConstraintListLeavesTheSeatFree()
    {
        var scenario = Friends() with { AgentConstraint = [[], ["eve"]] };

        var tasks = ConstraintBasedSampler.Sample(Small(), scenario, 10, seed: 3);

        Assert.Equal(["ben>eve", "dan>eve"], tasks.Select(t => $"{t.Agent1Id}>{t.Agent2Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SizeCapsTheResultAndIsAPrefixOfTheSameSeed()
    {
        var dataset = Small();

        var all = ConstraintBasedSampler.Sample(dataset, Friends(), 10, seed: 42);
        var two = ConstraintBasedSampler.Sample(dataset, Friends(), 2, seed: 42);
        var none = ConstraintBasedSampler.Sample(dataset, Friends(), 0, seed: 42);

        Assert.Equal(5, all.Length);
        Assert.Equal(all.Take(2).Select(t => t.Id), two.Select(t => t.Id));
        Assert.Empty(none);
    }

    [Fact]
    public void SameSeedGivesTheSameTasksAndIds()
    {
        var (dataset, scenario) = OriginalFriendScenario();

        var first = ConstraintBasedSampler.Sample(dataset, scenario, 10, seed: 7);
        var second = ConstraintBasedSampler.Sample(dataset, scenario, 10, seed: 7);

        Assert.Equal(10, first.Length);
        Assert.Equal(first.Select(DatasetAssert.Json), second.Select(DatasetAssert.Json));
        Assert.Equal(10, first.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentOrders()
    {
        var (dataset, scenario) = OriginalFriendScenario();

        var one = ConstraintBasedSampler.Sample(dataset, scenario, 100, seed: 1);
        var two = ConstraintBasedSampler.Sample(dataset, scenario, 100, seed: 2);

        Assert.Equal(24, one.Length);
        Assert.NotEqual(one.Select(t => t.Id), two.Select(t => t.Id));
        Assert.Equal(one.Select(t => t.Id).Order(StringComparer.Ordinal), two.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TaskIdsAreAStableHashOfScenarioAndPair()
    {
        var tasks = ConstraintBasedSampler.Sample(Small(), Friends(), 10, seed: 5);

        Assert.All(tasks, t =>
        {
            Assert.Equal(SocialTaskIds.For(t.ScenarioId, t.Agent1Id, t.Agent2Id), t.Id);
            Assert.Matches("^t-[0-9a-f]{16}$", t.Id);
        });
        Assert.Equal("t-", SocialTaskIds.For("s", "a", "b")[..2]);
        Assert.NotEqual(SocialTaskIds.For("s", "a", "b"), SocialTaskIds.For("s", "b", "a"));
        Assert.Equal(SocialTaskIds.For("s", "a", "b"), SocialTaskIds.For("s", "a", "b"));
    }

    [Fact]
    public void EveryOriginalScenarioSamplesOnlyMatchingRelationships()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;
        var types = dataset.Relationships.ToLookup(r => (r.Agent1Id, r.Agent2Id), r => r.Relationship);
        var sampled = new HashSet<(string, string, string)>();

        foreach (var scenario in dataset.Scenarios)
        {
            var tasks = ConstraintBasedSampler.Sample(dataset, scenario, int.MaxValue, seed: 0);
            Assert.NotEmpty(tasks);
            Assert.All(tasks, t => Assert.Contains(scenario.Relationship, types[(t.Agent1Id, t.Agent2Id)]));
            sampled.UnionWith(tasks.Select(t => (t.ScenarioId, t.Agent1Id, t.Agent2Id)));
        }

        // Every stored original task is one the sampler could have drawn (the shared README says 440 of 450, but
        // the files themselves give 450: each stored pair has a relationship profile of the scenario's type).
        Assert.Equal(450, dataset.Tasks.Count(t => sampled.Contains((t.ScenarioId, t.Agent1Id, t.Agent2Id))));
    }

    [Fact]
    public void InvalidAgeConstraintIsAnArgumentError()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            ConstraintBasedSampler.Sample(Small(), Friends() with { AgeConstraint = "[(1, 2)]" }, 5, seed: 0));

        Assert.Contains("friends", exception.Message);
    }

    [Fact]
    public void UniformSamplerDrawsDistinctValidTasksDeterministically()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;
        var scenarioIds = dataset.Scenarios.Select(s => s.Id).ToHashSet();
        var characterIds = dataset.Characters.Select(c => c.Id).ToHashSet();

        var first = UniformSampler.Sample(dataset, 200, seed: 11);
        var again = UniformSampler.Sample(dataset, 200, seed: 11);
        var other = UniformSampler.Sample(dataset, 200, seed: 12);

        Assert.Equal(200, first.Length);
        Assert.Equal(200, first.Select(t => t.Id).Distinct().Count());
        Assert.All(first, t =>
        {
            Assert.Contains(t.ScenarioId, scenarioIds);
            Assert.Contains(t.Agent1Id, characterIds);
            Assert.Contains(t.Agent2Id, characterIds);
            Assert.NotEqual(t.Agent1Id, t.Agent2Id);
            Assert.Equal(SocialTaskIds.For(t.ScenarioId, t.Agent1Id, t.Agent2Id), t.Id);
        });
        Assert.Equal(first.Select(t => t.Id), again.Select(t => t.Id));
        Assert.NotEqual(first.Select(t => t.Id), other.Select(t => t.Id));
        Assert.True(first.Select(t => t.ScenarioId).Distinct().Count() > 50);
    }

    [Fact]
    public void UniformSamplerReturnsEverythingWhenAskedForMoreThanExists()
    {
        var dataset = Small() with { Scenarios = [Friends()], Characters = Small().Characters.Take(3).ToImmutableArray() };

        var tasks = UniformSampler.Sample(dataset, 100, seed: 1);

        Assert.Equal(6, tasks.Length);
        Assert.Equal(6, tasks.Select(t => (t.Agent1Id, t.Agent2Id)).Distinct().Count());
        Assert.Empty(UniformSampler.Sample(dataset with { Characters = dataset.Characters.Take(1).ToImmutableArray() }, 5, seed: 1));
        Assert.Empty(UniformSampler.Sample(dataset with { Scenarios = [] }, 5, seed: 1));
    }

    private static (SotopiaDataset Dataset, Scenario Scenario) OriginalFriendScenario()
    {
        var dataset = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;
        var scenario = dataset.Scenarios.First(s => s.Relationship == RelationshipType.Friend && s.AgeConstraint == Scenario.DefaultAgeConstraint);
        return (dataset, scenario);
    }

    private static Scenario Friends() => new()
    {
        Id = "friends",
        Text = "Two friends plan a picnic.",
        Goals = ["Pick the park", "Pick the beach"],
        Relationship = RelationshipType.Friend,
        AgeConstraint = Scenario.DefaultAgeConstraint,
    };

    /// <summary>ann 25, ben 30, cat 19, dan 45, eve 60. Friends: ann>ben (twice), cat>dan, dan>eve, ben>eve,
    /// eve>ann; strangers: ann>cat.</summary>
    private static SotopiaDataset Small() => new()
    {
        Characters =
        [
            Character("ann", 25), Character("ben", 30), Character("cat", 19), Character("dan", 45), Character("eve", 60),
        ],
        Relationships =
        [
            Relationship("r1", "ann", "ben", RelationshipType.Friend),
            Relationship("r2", "cat", "dan", RelationshipType.Friend),
            Relationship("r3", "dan", "eve", RelationshipType.Friend),
            Relationship("r4", "ann", "cat", RelationshipType.Stranger),
            Relationship("r5", "ben", "eve", RelationshipType.Friend),
            Relationship("r6", "ann", "ben", RelationshipType.Friend),
            Relationship("r7", "eve", "ann", RelationshipType.Friend),
        ],
        Scenarios = [Friends()],
    };

    private static Character Character(string id, int age) => new() { Id = id, FirstName = id, LastName = "Test", Age = age };

    private static RelationshipProfile Relationship(string id, string agent1, string agent2, RelationshipType type) =>
        new() { Id = id, Agent1Id = agent1, Agent2Id = agent2, Relationship = type };
}
