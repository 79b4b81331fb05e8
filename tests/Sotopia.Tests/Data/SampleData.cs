using System.Text.Json.Nodes;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>Small hand-written SOTOPIA-shaped records (our own words) for validation tests.</summary>
internal static class SampleData
{
    public const string Agents = "agent_profiles.jsonl";
    public const string Relationships = "relationship_profiles.jsonl";
    public const string Scenarios = "environment_profiles.jsonl";
    public const string Tasks = "env_agent_combo_storages.jsonl";

    public static JsonObject Agent(string id, string first, string last, int age) => new()
    {
        ["agent_id"] = id,
        ["first_name"] = first,
        ["last_name"] = last,
        ["age"] = age,
        ["occupation"] = "Baker",
        ["gender"] = "Woman",
        ["gender_pronoun"] = "She/her",
        ["public_info"] = "Runs a small bakery.",
        ["big_five"] = "Openness to Experience - High",
        ["moral_values"] = new JsonArray("Care", " Fairness"),
        ["schwartz_personal_values"] = new JsonArray(" Benevolence"),
        ["personality_and_values"] = "Calm and patient.",
        ["decision_making_style"] = "Careful",
        ["secret"] = "Burnt the wedding cake once.",
        ["mbti"] = "ISFJ",
    };

    public static JsonObject Scenario(string id, string relationship = "3") => new()
    {
        ["env_id"] = id,
        ["codename"] = "share_umbrella_" + id,
        ["source"] = "hand-craft",
        ["scenario"] = "Two neighbours wait at a bus stop in the rain with one umbrella.",
        ["agent_goals"] = new JsonArray("Keep dry without being rude", "Get a share of the umbrella"),
        ["relationship"] = relationship,
        ["age_constraint"] = "[(18, 70), (18, 70)]",
        ["occupation_constraint"] = "nan",
        ["agent_constraint"] = "none",
    };

    public static JsonObject Relationship(string id, string agent1, string agent2, string relationship = "3") => new()
    {
        ["relationship_id"] = id,
        ["agent1_id"] = agent1,
        ["agent2_id"] = agent2,
        ["relationship"] = relationship,
        ["background_story"] = "They met at a cooking class.",
    };

    public static JsonObject Task(string id, string scenarioId, params string[] agents) => new()
    {
        ["combo_id"] = id,
        ["env_id"] = scenarioId,
        ["agent_ids"] = new JsonArray([.. agents.Select(a => (JsonNode)JsonValue.Create(a))]),
    };

    /// <summary>A valid folder: 3 characters (a3 unreferenced), 2 scenarios (e2 unreferenced), 2 relationships,
    /// 2 tasks. The last line of every file can be altered without breaking the other records.</summary>
    public static Dictionary<string, List<JsonObject>> Baseline() => new()
    {
        [Agents] = [Agent("a1", "Ann", "Lee", 30), Agent("a2", "Ben", "Kim", 40), Agent("a3", "Cat", "Roe", 25)],
        [Scenarios] = [Scenario("e1"), Scenario("e2")],
        [Relationships] = [Relationship("r1", "a1", "a2"), Relationship("r2", "a2", "a1")],
        [Tasks] = [Task("c1", "e1", "a1", "a2"), Task("c2", "e1", "a2", "a1")],
    };

    public static void Write(string folder, Dictionary<string, List<JsonObject>> files)
    {
        foreach (var (name, records) in files)
        {
            WriteLines(folder, name, [.. records.Select(r => r.ToJsonString())]);
        }
    }

    public static void WriteLines(string folder, string name, params string[] lines) =>
        File.WriteAllLines(Path.Combine(folder, name), lines);
}
