using System.Collections.Immutable;
using System.Text.Json;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class ExporterTests
{
    [Fact]
    public void OriginalDataRoundTripsThroughTheExporter()
    {
        var original = SotopiaDataLoader.Load(TestData.SotopiaOriginal, [TestData.SotopiaPiUsedEnv]);
        using var dir = new TempDirectory();

        SotopiaDataExporter.Write(original.Dataset, dir.Path);
        var reloaded = SotopiaDataLoader.Load(dir.Path);

        Assert.Empty(reloaded.Problems);
        Assert.Equal(8, reloaded.Dataset.NamedSets.Count); // used_env.json's 7 and the built-in "all"
        DatasetAssert.Equal(original.Dataset, reloaded.Dataset);
    }

    [Fact]
    public void ExportUsesTheFlattenedFieldNamesAndNullStrings()
    {
        var dataset = new SotopiaDataset
        {
            Characters =
            [
                new Character { Id = "a1", FirstName = "Ann", LastName = "Lee", Age = 30, MoralValues = ["Care"], Tag = "t1" },
                new Character { Id = "a2", FirstName = "Ben", LastName = "Kim" },
            ],
            Relationships = [new RelationshipProfile { Id = "r1", Agent1Id = "a1", Agent2Id = "a2", Relationship = RelationshipType.FamilyMember }],
            Scenarios =
            [
                new Scenario
                {
                    Id = "e1",
                    Text = "Two cousins share a car.",
                    Goals = ["Drive", "Navigate"],
                    Relationship = RelationshipType.FamilyMember,
                    AgentConstraint = [["a1"], ["a2"]],
                },
            ],
            Tasks = [new SocialTask { Id = "c1", ScenarioId = "e1", Agent1Id = "a1", Agent2Id = "a2" }],
            NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("mine", ["e1"]),
        };
        using var dir = new TempDirectory();

        SotopiaDataExporter.Write(dataset, dir.Path);

        using var relationship = JsonDocument.Parse(File.ReadAllLines(dir.File(SampleData.Relationships)).Single());
        Assert.Equal("r1", relationship.RootElement.GetProperty("relationship_id").GetString());
        Assert.Equal("a1", relationship.RootElement.GetProperty("agent1_id").GetString());
        Assert.Equal("5", relationship.RootElement.GetProperty("relationship").GetString());
        Assert.Equal("nan", relationship.RootElement.GetProperty("background_story").GetString());

        using var scenario = JsonDocument.Parse(File.ReadAllLines(dir.File(SampleData.Scenarios)).Single());
        Assert.Equal("e1", scenario.RootElement.GetProperty("env_id").GetString());
        Assert.Equal("nan", scenario.RootElement.GetProperty("age_constraint").GetString());
        Assert.Equal("nan", scenario.RootElement.GetProperty("occupation_constraint").GetString());
        Assert.Equal(JsonValueKind.Array, scenario.RootElement.GetProperty("agent_constraint").ValueKind);
        Assert.Equal("5", scenario.RootElement.GetProperty("relationship").GetString());

        var agents = File.ReadAllLines(dir.File(SampleData.Agents));
        Assert.Equal(2, agents.Length);
        Assert.Contains("\"tag\":\"t1\"", agents[0]);
        Assert.DoesNotContain("\"tag\"", agents[1]);
        Assert.Contains("\"agent_id\":\"a1\"", agents[0]);
        Assert.Contains("\"combo_id\":\"c1\"", File.ReadAllText(dir.File(SampleData.Tasks)));

        using var sets = JsonDocument.Parse(File.ReadAllText(dir.File(SotopiaDataExporter.SetsFile)));
        Assert.Equal("e1", sets.RootElement.GetProperty("mine")[0].GetString());

        var reloaded = SotopiaDataLoader.Load(dir.Path);
        Assert.Empty(reloaded.Problems);
        DatasetAssert.Equal(dataset with { NamedSets = dataset.NamedSets.Add(SotopiaDataLoader.AllScenariosSet, ["e1"]) }, reloaded.Dataset);
    }

    [Fact]
    public void NullAgentConstraintIsWrittenAsNoneAndEmptySetsFileReplacesAStaleOne()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File(SotopiaDataExporter.SetsFile), "{\"stale\": [\"x\"]}");
        var dataset = new SotopiaDataset
        {
            Scenarios = [new Scenario { Id = "e1", Text = "A quiz night.", Goals = ["Win", "Win too"], Relationship = RelationshipType.Stranger }],
        };

        SotopiaDataExporter.Write(dataset, dir.Path);

        Assert.Contains("\"agent_constraint\":\"none\"", File.ReadAllText(dir.File(SampleData.Scenarios)));
        Assert.Equal("{}\n", File.ReadAllText(dir.File(SotopiaDataExporter.SetsFile)));
        var reloaded = SotopiaDataLoader.Load(dir.Path);
        Assert.Equal([SotopiaDataLoader.AllScenariosSet], reloaded.Dataset.NamedSets.Keys);
        Assert.Empty(reloaded.Problems);
    }

    [Fact]
    public void NonAsciiTextIsKeptReadable()
    {
        using var dir = new TempDirectory();
        var dataset = new SotopiaDataset { Characters = [new Character { Id = "a1", FirstName = "Zoë", LastName = "Ñúñez \"Q\"" }] };

        SotopiaDataExporter.Write(dataset, dir.Path);

        var text = File.ReadAllText(dir.File(SampleData.Agents));
        Assert.Contains("Zoë", text);
        Assert.Equal("Ñúñez \"Q\"", SotopiaDataLoader.Load(dir.Path).Dataset.Characters[0].LastName);
    }
}
