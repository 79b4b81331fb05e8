using System.Text.Json.Nodes;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>A Redis-OM JSON export (keys <c>:&lt;class&gt;:&lt;pk&gt;</c>) built from the original records.</summary>
public sealed class RedisOmImportTests
{
    private const string AgentClass = "sotopia.database.persistent_profile.AgentProfile";
    private const string EnvClass = "sotopia.database.persistent_profile.EnvironmentProfile";
    private const string RelationshipClass = "sotopia.database.persistent_profile.RelationshipProfile";
    private const string ComboClass = "sotopia.database.env_agent_combo_storage.EnvAgentComboStorage";
    private const string EpisodeClass = "sotopia.database.logs.EpisodeLog";

    [Fact]
    public void ExportBuiltFromTheOriginalRecordsLoadsTheSameDataset()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dump.json");
        File.WriteAllText(path, BuildExportFromOriginal(episodes: 3).ToJsonString());

        var result = SotopiaDataLoader.Load(path);
        var original = SotopiaDataLoader.Load(TestData.SotopiaOriginal).Dataset;

        Assert.True(result.IsValid);
        Assert.Equal(40, result.Dataset.Characters.Length);
        Assert.Equal(120, result.Dataset.Relationships.Length);
        Assert.Equal(90, result.Dataset.Scenarios.Length);
        Assert.Equal(450, result.Dataset.Tasks.Length);
        Assert.StartsWith("Redis-OM export", result.Source);
        DatasetAssert.Equal(original, result.Dataset);

        var warning = Assert.Single(result.Problems);
        Assert.Equal(DataProblemSeverity.Warning, warning.Severity);
        Assert.Equal("dump.json", warning.File);
        Assert.Contains($"skipped 3 record(s) of class {EpisodeClass}", warning.Message);
    }

    [Fact]
    public void RecordErrorsPointAtTheLineOfTheirKey()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dump.json");
        var export = new JsonObject
        {
            [$":{AgentClass}:a1"] = RedisAgent("a1"),
            [$":{AgentClass}:a2"] = RedisAgent("a2"),
            [$":{RelationshipClass}:r1"] = new JsonObject { ["pk"] = "r1", ["agent_1_id"] = "a1", ["agent_2_id"] = "zz", ["relationship"] = 3 },
            [$":{EnvClass}:e1"] = new JsonObject
            {
                ["pk"] = "e1",
                ["scenario"] = "A shared taxi ride.",
                ["agent_goals"] = new JsonArray("Split the fare", "Pay less", "Third"),
                ["relationship"] = 0,
            },
        };
        File.WriteAllText(path, export.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var lines = File.ReadAllLines(path);
        int LineOf(string key) => Array.FindIndex(lines, l => l.Contains($"\"{key}\"", StringComparison.Ordinal)) + 1;

        var result = SotopiaDataLoader.Load(path);

        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(new DataProblem(DataProblemSeverity.Error, "dump.json", LineOf($":{EnvClass}:e1"), "agent_goals", "expected exactly 2 goals, found 3"), result.Problems);
        var relationship = Assert.Single(result.Problems, p => p.Field == "agent_2_id");
        Assert.Equal(LineOf($":{RelationshipClass}:r1"), relationship.Line);
        Assert.Equal(2, result.Dataset.Characters.Length);
    }

    [Fact]
    public void StringValuesArrayValuesPkFromKeyAndEnvironmentListsAreAccepted()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dump.json");
        var agentWithoutPk = RedisAgent("ignored");
        agentWithoutPk.Remove("pk");
        var export = new JsonObject
        {
            [$":{AgentClass}:a1"] = agentWithoutPk,
            [$":{AgentClass}:a2"] = RedisAgent("a2").ToJsonString(),
            [$":{EnvClass}:e1"] = new JsonArray(new JsonObject
            {
                ["pk"] = "e1",
                ["scenario"] = "A shared taxi ride.",
                ["agent_goals"] = new JsonArray("Split the fare", "Pay less"),
                ["relationship"] = 2,
                ["age_constraint"] = null,
                ["agent_constraint"] = new JsonArray(new JsonArray("a1"), new JsonArray("a2")),
            }),
            [":sotopia.database.persistent_profile.EnvironmentList:l1"] = new JsonObject
            {
                ["pk"] = "l1",
                ["name"] = "taxi_envs",
                ["environments"] = new JsonArray("e1", "e-unknown"),
            },
            [$":{AgentClass}:index:hash"] = "abc",
            ["unrelated"] = 1,
        };
        File.WriteAllText(path, export.ToJsonString());

        var result = SotopiaDataLoader.Load(path);

        Assert.True(result.IsValid);
        Assert.Equal(["a1", "a2"], result.Dataset.Characters.Select(c => c.Id));
        var scenario = Assert.Single(result.Dataset.Scenarios);
        Assert.Equal(RelationshipType.Acquaintance, scenario.Relationship);
        Assert.Null(scenario.AgeConstraint);
        Assert.Equal(["a2"], scenario.AgentConstraint!.Value[1].ToArray());
        Assert.Equal(["e1"], result.Dataset.NamedSets["taxi_envs"].ToArray());
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Field == "taxi_envs" && p.Message.StartsWith("1 of 2 ids", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("skipped 2 key(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void StringValueThatIsNotJsonIsAnError()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dump.json");
        File.WriteAllText(path, new JsonObject { [$":{AgentClass}:a1"] = "{not json" }.ToJsonString());

        var result = SotopiaDataLoader.Load(path);

        var problem = Assert.Single(result.Problems);
        Assert.True(problem.IsError);
        Assert.Equal(1, problem.Line);
        Assert.Contains("not a JSON record", problem.Message);
    }

    [Fact]
    public void BrokenJsonFileReportsTheLine()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dump.json");
        File.WriteAllLines(path, ["{", $"  \":{AgentClass}:a1\": {{\"pk\": \"a1\"}},", "  oops", "}"]);

        var result = SotopiaDataLoader.Load(path);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((DataProblemSeverity.Error, "dump.json", (int?)3), (problem.Severity, problem.File, problem.Line));
        Assert.StartsWith("invalid JSON", problem.Message);
        Assert.Empty(result.Dataset.Characters);
    }

    private static JsonObject RedisAgent(string pk) => new()
    {
        ["pk"] = pk,
        ["first_name"] = "Pat",
        ["last_name"] = "Quinn",
        ["age"] = 44,
        ["moral_values"] = new JsonArray("Care"),
        ["model_id"] = "",
    };

    /// <summary>Turns the flattened original files into a Redis-OM export: ids become <c>pk</c>, relationship
    /// agents become <c>agent_1_id</c>/<c>agent_2_id</c>, relationships become ints and null strings become null.
    /// Every other task is stored as a JSON string value, as some exporters do.</summary>
    private static JsonObject BuildExportFromOriginal(int episodes)
    {
        var export = new JsonObject();
        foreach (var agent in ReadOriginal(SampleData.Agents))
        {
            Rename(agent, "agent_id", "pk");
            agent["model_id"] = "";
            export[$":{AgentClass}:{agent["pk"]}"] = agent;
        }

        foreach (var env in ReadOriginal(SampleData.Scenarios))
        {
            Rename(env, "env_id", "pk");
            env["relationship"] = int.Parse(env["relationship"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            env["occupation_constraint"] = env["occupation_constraint"]!.GetValue<string>() == "nan" ? null : env["occupation_constraint"]!.DeepClone();
            env["agent_constraint"] = null;
            export[$":{EnvClass}:{env["pk"]}"] = env;
        }

        foreach (var relationship in ReadOriginal(SampleData.Relationships))
        {
            Rename(relationship, "relationship_id", "pk");
            Rename(relationship, "agent1_id", "agent_1_id");
            Rename(relationship, "agent2_id", "agent_2_id");
            relationship["relationship"] = int.Parse(relationship["relationship"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            export[$":{RelationshipClass}:{relationship["pk"]}"] = relationship;
        }

        var index = 0;
        foreach (var combo in ReadOriginal(SampleData.Tasks))
        {
            Rename(combo, "combo_id", "pk");
            var key = $":{ComboClass}:{combo["pk"]}";
            export[key] = index++ % 2 == 0 ? combo : JsonValue.Create(combo.ToJsonString());
        }

        for (var i = 0; i < episodes; i++)
        {
            export[$":{EpisodeClass}:ep{i}"] = new JsonObject { ["pk"] = $"ep{i}", ["messages"] = new JsonArray() };
        }

        return export;
    }

    private static IEnumerable<JsonObject> ReadOriginal(string file) =>
        File.ReadLines(Path.Combine(TestData.SotopiaOriginal, file))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonNode.Parse(l)!.AsObject());

    private static void Rename(JsonObject record, string from, string to)
    {
        var value = record[from]!.DeepClone();
        record.Remove(from);
        record[to] = value;
    }
}
