using System.Text.Json.Nodes;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>Every kind of bad data is reported with file, line and field, and only the bad record is skipped.</summary>
public sealed class ValidationTests
{
    [Fact]
    public void BaselineIsValid()
    {
        var (result, _) = LoadBaseline(_ => { });

        Assert.Empty(result.Problems);
        Assert.Equal(3, result.Dataset.Characters.Length);
        Assert.Equal(2, result.Dataset.Scenarios.Length);
        Assert.Equal(2, result.Dataset.Relationships.Length);
        Assert.Equal(2, result.Dataset.Tasks.Length);
    }

    [Fact]
    public void BadJsonIsReportedWithItsLineAndTheOtherLinesLoad()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        var agents = SampleData.Baseline()[SampleData.Agents].Select(a => a.ToJsonString()).ToList();
        agents.Insert(1, "{\"agent_id\": \"broken\", ");
        agents.Insert(2, "");
        agents.Insert(3, "[1, 2]");
        SampleData.WriteLines(dir.Path, SampleData.Agents, [.. agents]);

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Problems.Count);
        var badJson = result.Problems[0];
        Assert.Equal(DataProblemSeverity.Error, badJson.Severity);
        Assert.Equal(SampleData.Agents, badJson.File);
        Assert.Equal(2, badJson.Line);
        Assert.Null(badJson.Field);
        Assert.StartsWith("invalid JSON", badJson.Message);
        var notObject = result.Problems[1];
        Assert.Equal(4, notObject.Line);
        Assert.Contains("expected a JSON object", notObject.Message);
        Assert.Equal(["a1", "a2", "a3"], result.Dataset.Characters.Select(c => c.Id));
        Assert.Equal(2, result.Dataset.Tasks.Length);
    }

    [Theory]
    [InlineData(SampleData.Agents, "agent_id", 3)]
    [InlineData(SampleData.Agents, "first_name", 3)]
    [InlineData(SampleData.Agents, "last_name", 3)]
    [InlineData(SampleData.Scenarios, "env_id", 2)]
    [InlineData(SampleData.Scenarios, "scenario", 2)]
    [InlineData(SampleData.Scenarios, "agent_goals", 2)]
    [InlineData(SampleData.Scenarios, "relationship", 2)]
    [InlineData(SampleData.Relationships, "relationship_id", 2)]
    [InlineData(SampleData.Relationships, "agent1_id", 2)]
    [InlineData(SampleData.Relationships, "agent2_id", 2)]
    [InlineData(SampleData.Relationships, "relationship", 2)]
    [InlineData(SampleData.Tasks, "combo_id", 2)]
    [InlineData(SampleData.Tasks, "env_id", 2)]
    [InlineData(SampleData.Tasks, "agent_ids", 2)]
    public void MissingRequiredFieldIsAnErrorAndSkipsTheRecord(string file, string field, int line)
    {
        var (result, baseline) = LoadBaseline(files => files[file][^1].Remove(field));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, file, line, field, problem.Message), problem);
        Assert.StartsWith("missing required field", problem.Message);
        Assert.Equal(baseline[file].Count - 1, CountOf(result.Dataset, file));
    }

    [Theory]
    [InlineData("scenario")]
    [InlineData("first_name")]
    public void EmptyOrNullRequiredTextIsAnError(string field)
    {
        var file = field == "scenario" ? SampleData.Scenarios : SampleData.Agents;
        var (result, _) = LoadBaseline(files => files[file][^1][field] = field == "scenario" ? "  " : null);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(field, problem.Field);
        Assert.True(problem.IsError);
    }

    [Fact]
    public void WrongGoalCountIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Scenarios][^1]["agent_goals"] = new JsonArray("one", "two", "three"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("environment_profiles.jsonl:2: agent_goals: expected exactly 2 goals, found 3", problem.ToString());
        Assert.True(problem.IsError);
        Assert.Single(result.Dataset.Scenarios);
    }

    [Fact]
    public void SingleGoalIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Scenarios][^1]["agent_goals"] = new JsonArray("only one"));

        Assert.Equal("environment_profiles.jsonl:2: agent_goals: expected exactly 2 goals, found 1", Assert.Single(result.Problems).ToString());
    }

    [Theory]
    [InlineData(SampleData.Scenarios, "7")]
    [InlineData(SampleData.Scenarios, "enemy")]
    [InlineData(SampleData.Scenarios, "-1")]
    [InlineData(SampleData.Relationships, "6")]
    [InlineData(SampleData.Relationships, "")]
    public void UnknownRelationshipIsAnError(string file, string value)
    {
        var (result, _) = LoadBaseline(files => files[file][^1]["relationship"] = value);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(DataProblemSeverity.Error, problem.Severity);
        Assert.Equal(file, problem.File);
        Assert.Equal(2, problem.Line);
        Assert.Equal("relationship", problem.Field);
        Assert.StartsWith($"unknown relationship '{value}'", problem.Message);
    }

    [Fact]
    public void OutOfRangeIntegerRelationshipIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Relationships][^1]["relationship"] = 9);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Relationships, 2, "relationship", problem.Message), problem);
        Assert.StartsWith("unknown relationship 9 ", problem.Message);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("friend")]
    [InlineData("Friend")]
    [InlineData("RelationshipType.friend")]
    [InlineData(" 3 ")]
    public void RelationshipSpellingsAreAccepted(string value)
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Scenarios][^1]["relationship"] = value);

        Assert.Empty(result.Problems);
        Assert.Equal(RelationshipType.Friend, result.Dataset.Scenarios[1].Relationship);
    }

    [Fact]
    public void RelationshipAsIntegerAndNamesWithUnderscoresAreAccepted()
    {
        var (result, _) = LoadBaseline(files =>
        {
            files[SampleData.Relationships][0]["relationship"] = 5;
            files[SampleData.Relationships][1]["relationship"] = "know_by_name";
            files[SampleData.Scenarios][1]["relationship"] = "romantic_relationship";
        });

        Assert.Empty(result.Problems);
        Assert.Equal(RelationshipType.FamilyMember, result.Dataset.Relationships[0].Relationship);
        Assert.Equal(RelationshipType.KnowByName, result.Dataset.Relationships[1].Relationship);
        Assert.Equal(RelationshipType.RomanticRelationship, result.Dataset.Scenarios[1].Relationship);
    }

    [Theory]
    [InlineData("[(18, 70)]")]
    [InlineData("[(18, 70), (x, 70)]")]
    [InlineData("[(70, 18), (18, 70)]")]
    [InlineData("18-70")]
    [InlineData("[(18, 70), (18, 70)")]
    public void UnparseableAgeConstraintIsAnError(string value)
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Scenarios][^1]["age_constraint"] = value);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(DataProblemSeverity.Error, problem.Severity);
        Assert.Equal(SampleData.Scenarios, problem.File);
        Assert.Equal(2, problem.Line);
        Assert.Equal("age_constraint", problem.Field);
        Assert.StartsWith("cannot parse the age constraint", problem.Message);
        Assert.Single(result.Dataset.Scenarios);
    }

    [Fact]
    public void DuplicateIdIsAnErrorAndTheFirstRecordWins()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Agents].Add(SampleData.Agent("a1", "Dan", "Fox", 50)));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Agents, 4, "agent_id", problem.Message), problem);
        Assert.Contains("duplicate character id 'a1'", problem.Message);
        Assert.Contains("agent_profiles.jsonl:1", problem.Message);
        Assert.Equal(3, result.Dataset.Characters.Length);
        Assert.Equal("Ann", result.Dataset.Characters.Single(c => c.Id == "a1").FirstName);
    }

    [Theory]
    [InlineData(SampleData.Scenarios, "env_id", 3)]
    [InlineData(SampleData.Relationships, "relationship_id", 3)]
    [InlineData(SampleData.Tasks, "combo_id", 3)]
    public void DuplicateIdsAreErrorsForEveryRecordType(string file, string idField, int line)
    {
        var (result, baseline) = LoadBaseline(files => files[file].Add(files[file][0].DeepClone().AsObject()));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, file, line, idField, problem.Message), problem);
        Assert.StartsWith("duplicate", problem.Message);
        Assert.Equal(baseline[file].Count, CountOf(result.Dataset, file));
    }

    [Fact]
    public void DuplicateIdUnderThePkAliasNamesThePkField()
    {
        var (result, _) = LoadBaseline(files =>
        {
            var copy = SampleData.Agent("x", "Eve", "Ray", 33);
            copy.Remove("agent_id");
            copy["pk"] = "a2";
            files[SampleData.Agents].Add(copy);
        });

        var problem = Assert.Single(result.Problems);
        Assert.Equal("pk", problem.Field);
        Assert.Equal(4, problem.Line);
    }

    [Theory]
    [InlineData("agent1_id")]
    [InlineData("agent2_id")]
    public void RelationshipWithUnknownCharacterIsAnError(string field)
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Relationships][^1][field] = "nobody");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Relationships, 2, field, problem.Message), problem);
        Assert.Contains("unknown character 'nobody'", problem.Message);
        Assert.Single(result.Dataset.Relationships);
    }

    [Fact]
    public void RelationshipUnknownCharacterUnderAliasNamesTheAlias()
    {
        var (result, _) = LoadBaseline(files =>
        {
            var profile = files[SampleData.Relationships][^1];
            profile.Remove("agent2_id");
            profile["agent_2_id"] = "nobody";
        });

        Assert.Equal("agent_2_id", Assert.Single(result.Problems).Field);
    }

    [Fact]
    public void TaskWithUnknownCharacterIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Tasks][^1] = SampleData.Task("c2", "e1", "a1", "ghost"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Tasks, 2, "agent_ids", problem.Message), problem);
        Assert.Contains("unknown character 'ghost'", problem.Message);
        Assert.Single(result.Dataset.Tasks);
    }

    [Fact]
    public void TaskWithUnknownScenarioIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Tasks][^1]["env_id"] = "e404");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Tasks, 2, "env_id", problem.Message), problem);
        Assert.Contains("unknown scenario 'e404'", problem.Message);
    }

    [Fact]
    public void TaskWithTheSameCharacterTwiceIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Tasks][^1] = SampleData.Task("c2", "e1", "a1", "a1"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Error, SampleData.Tasks, 2, "agent_ids", problem.Message), problem);
        Assert.Contains("both seats", problem.Message);
    }

    [Fact]
    public void TaskWithThreeCharactersIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Tasks][^1] = SampleData.Task("c2", "e1", "a1", "a2", "a3"));

        Assert.Equal("env_agent_combo_storages.jsonl:2: agent_ids: expected exactly 2 character ids, found 3", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void RelationshipOfACharacterWithItselfIsAnError()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Relationships][^1]["agent2_id"] = "a2");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("agent2_id", problem.Field);
        Assert.True(problem.IsError);
    }

    [Fact]
    public void WrongValueTypesAreErrors()
    {
        var (result, _) = LoadBaseline(files =>
        {
            files[SampleData.Agents][^1]["age"] = "old";
            files[SampleData.Agents][^1]["occupation"] = 12;
            files[SampleData.Scenarios][^1]["agent_constraint"] = 5;
        });

        Assert.Equal(3, result.Problems.Count);
        Assert.Contains(result.Problems, p => p is { File: SampleData.Agents, Line: 3, Field: "age", Severity: DataProblemSeverity.Error });
        Assert.Contains(result.Problems, p => p is { File: SampleData.Agents, Line: 3, Field: "occupation", Severity: DataProblemSeverity.Error });
        Assert.Contains(result.Problems, p => p is { File: SampleData.Scenarios, Line: 2, Field: "agent_constraint", Severity: DataProblemSeverity.Error });
    }

    [Fact]
    public void EveryProblemIsReportedAndOnlyBadRecordsAreSkipped()
    {
        var (result, _) = LoadBaseline(files =>
        {
            files[SampleData.Agents].Add(SampleData.Agent("a4", "Dee", "Moss", 35));
            files[SampleData.Agents][^1].Remove("last_name");
            files[SampleData.Scenarios][^1]["agent_goals"] = new JsonArray("just one");
            files[SampleData.Scenarios][^1]["relationship"] = "rival";
            files[SampleData.Relationships].Add(SampleData.Relationship("r3", "a1", "a4"));
            files[SampleData.Tasks].Add(SampleData.Task("c3", "e2", "a1", "a3"));
        });

        Assert.Equal(
            [
                "agent_profiles.jsonl:4: last_name",
                "environment_profiles.jsonl:2: agent_goals",
                "environment_profiles.jsonl:2: relationship",
                "relationship_profiles.jsonl:3: agent2_id",
                "env_agent_combo_storages.jsonl:3: env_id",
            ],
            result.Problems.Select(p => $"{p.File}:{p.Line}: {p.Field}"));
        Assert.All(result.Problems, p => Assert.True(p.IsError));
        Assert.Equal(["a1", "a2", "a3"], result.Dataset.Characters.Select(c => c.Id));
        Assert.Equal(["e1"], result.Dataset.Scenarios.Select(s => s.Id));
        Assert.Equal(["r1", "r2"], result.Dataset.Relationships.Select(r => r.Id));
        Assert.Equal(["c1", "c2"], result.Dataset.Tasks.Select(t => t.Id));
    }

    [Fact]
    public void AliasesAndNullStringsAreUnderstood()
    {
        var (result, _) = LoadBaseline(files =>
        {
            var relationship = files[SampleData.Relationships][^1];
            relationship.Remove("relationship_id");
            relationship.Remove("agent1_id");
            relationship.Remove("agent2_id");
            relationship["pk"] = "r2";
            relationship["agent_1_id"] = "a2";
            relationship["agent_2_id"] = "a3";
            relationship["background_story"] = "None";
            var scenario = files[SampleData.Scenarios][^1];
            scenario["age_constraint"] = "nan";
            scenario["occupation_constraint"] = "";
            scenario["agent_constraint"] = "null";
            var first = files[SampleData.Scenarios][0];
            first["agent_constraint"] = new JsonArray(new JsonArray("a1"), new JsonArray("a2", " a3"));
            first["occupation_constraint"] = "[baker, nurse]";
            files[SampleData.Agents][0]["moral_values"] = "['Care', ' Loyalty']";
        });

        Assert.Empty(result.Problems);
        var r2 = result.Dataset.Relationships[1];
        Assert.Equal(("r2", "a2", "a3"), (r2.Id, r2.Agent1Id, r2.Agent2Id));
        Assert.Null(r2.BackgroundStory);
        Assert.Null(result.Dataset.Scenarios[1].AgeConstraint);
        Assert.Null(result.Dataset.Scenarios[1].OccupationConstraint);
        Assert.Null(result.Dataset.Scenarios[1].AgentConstraint);
        var constraint = result.Dataset.Scenarios[0].AgentConstraint!.Value;
        Assert.Equal(["a1"], constraint[0].ToArray());
        Assert.Equal(["a2", "a3"], constraint[1].ToArray());
        Assert.Equal("[baker, nurse]", result.Dataset.Scenarios[0].OccupationConstraint);
        Assert.Equal(["Care", "Loyalty"], result.Dataset.Characters[0].MoralValues.ToArray());
    }

    [Fact]
    public void AgentConstraintAsPythonLiteralIsAcceptedAndUnknownIdsAreWarned()
    {
        var (result, _) = LoadBaseline(files => files[SampleData.Scenarios][^1]["agent_constraint"] = "[['a1', 'a9'], ['a2']]");

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Warning, SampleData.Scenarios, 2, "agent_constraint", warning.Message), warning);
        Assert.Contains("a9", warning.Message);
        Assert.Equal(["a1", "a9"], result.Dataset.Scenarios[1].AgentConstraint!.Value[0].ToArray());
    }

    [Fact]
    public void MissingFilesMeanNoRecordsButReferencesStillMustResolve()
    {
        using var dir = new TempDirectory();
        var baseline = SampleData.Baseline();
        baseline.Remove(SampleData.Scenarios);
        baseline.Remove(SampleData.Relationships);
        SampleData.Write(dir.Path, baseline);

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.Equal(3, result.Dataset.Characters.Length);
        Assert.Empty(result.Dataset.Scenarios);
        Assert.Empty(result.Dataset.Tasks);
        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal((DataProblemSeverity.Error, SampleData.Tasks, "env_id"), (p.Severity, p.File, p.Field)));
        Assert.Equal([1, 2], result.Problems.Select(p => p.Line ?? 0));
    }

    [Fact]
    public void FolderWithOnlyCharactersIsValid()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, new() { [SampleData.Agents] = SampleData.Baseline()[SampleData.Agents] });

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        Assert.Equal(3, result.Dataset.Characters.Length);
    }

    [Fact]
    public void EmptyFolderLoadsNothingWithAWarning()
    {
        using var dir = new TempDirectory();

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(DataProblemSeverity.Warning, warning.Severity);
        Assert.Contains("no SOTOPIA data files", warning.Message);
        Assert.Empty(result.Dataset.Characters);
    }

    [Fact]
    public void MissingPathThrowsAClearDataLoadException()
    {
        var path = Path.Combine(Path.GetTempPath(), "sotopiapi-no-such-folder", "data");

        var exception = Assert.Throws<DataLoadException>(() => SotopiaDataLoader.Load(path));

        Assert.Contains($"'{path}'", exception.Message);
        Assert.Contains("does not exist", exception.Message);
    }

    [Fact]
    public void MissingExtraSetFileThrowsAClearDataLoadException()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        var missing = dir.File("nope.json");

        var exception = Assert.Throws<DataLoadException>(() => SotopiaDataLoader.Load(dir.Path, [missing]));

        Assert.Contains(missing, exception.Message);
    }

    [Fact]
    public void JsonlFileInsteadOfFolderThrowsAClearDataLoadException()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());

        var exception = Assert.Throws<DataLoadException>(() => SotopiaDataLoader.Load(dir.File(SampleData.Agents)));

        Assert.Contains("pass the folder", exception.Message);
    }

    private static (DataLoadResult Result, Dictionary<string, List<JsonObject>> Baseline) LoadBaseline(Action<Dictionary<string, List<JsonObject>>> change)
    {
        using var dir = new TempDirectory();
        var baseline = SampleData.Baseline();
        var files = SampleData.Baseline();
        change(files);
        SampleData.Write(dir.Path, files);
        return (SotopiaDataLoader.Load(dir.Path), baseline);
    }

    private static int CountOf(SotopiaDataset dataset, string file) => file switch
    {
        SampleData.Agents => dataset.Characters.Length,
        SampleData.Scenarios => dataset.Scenarios.Length,
        SampleData.Relationships => dataset.Relationships.Length,
        _ => dataset.Tasks.Length,
    };
}
