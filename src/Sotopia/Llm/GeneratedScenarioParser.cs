using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Reads and validates a task generator's answer: a JSON object (code fences and surrounding text
/// tolerated) with a non-empty <c>scenario</c> of at least <see cref="MinScenarioWords"/> words, exactly two non-empty
/// <c>agent_goals</c>, a valid <c>relationship</c> (a name such as <c>friend</c> or 0..5), an <c>age_constraint</c>
/// that parses as two (min, max) ranges (missing or null = the default <c>[(18, 70), (18, 70)]</c>), an optional
/// <c>occupation_constraint</c> and an optional <c>codename</c> (made a snake_case slug; derived from the keyword
/// when missing).</summary>
public static class GeneratedScenarioParser
{
    public const int MinScenarioWords = 8;

    private static readonly string[] RelationshipNames =
        ["stranger", "know_by_name", "acquaintance", "friend", "romantic_relationship", "family_member"];

    /// <summary>The answer's JSON schema (strict structured-output form).</summary>
    public static string Schema { get; } = BuildSchema();

    public static bool TryParse(string text, string keyword, [NotNullWhen(true)] out GeneratedScenarioDraft? draft, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        draft = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the answer is empty";
            return false;
        }
        if (!JsonObjects.TryFindWithKey(text, "agent_goals", out var obj, out error))
        {
            return false;
        }
        if (!JsonObjects.TryGetProperty(obj, "scenario", out var scenarioElement) || scenarioElement.ValueKind != JsonValueKind.String)
        {
            error = "\"scenario\" must be a string";
            return false;
        }
        var scenario = scenarioElement.GetString()!.Trim();
        if (NearDuplicateIndex.Words(scenario).Count < MinScenarioWords)
        {
            error = $"\"scenario\" is too short (at least {MinScenarioWords} words are needed)";
            return false;
        }

        JsonObjects.TryGetProperty(obj, "agent_goals", out var goalsElement);
        if (goalsElement.ValueKind != JsonValueKind.Array)
        {
            error = "\"agent_goals\" must be an array of two strings";
            return false;
        }
        if (goalsElement.GetArrayLength() != 2)
        {
            error = $"\"agent_goals\" must hold exactly 2 goals, got {goalsElement.GetArrayLength()}";
            return false;
        }
        var goals = new string[2];
        for (var i = 0; i < 2; i++)
        {
            var goal = goalsElement[i];
            if (goal.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(goal.GetString()))
            {
                error = $"\"agent_goals\"[{i}] must be a non-empty string";
                return false;
            }
            goals[i] = goal.GetString()!.Trim();
        }

        if (!JsonObjects.TryGetProperty(obj, "relationship", out var relationshipElement))
        {
            error = "\"relationship\" is missing";
            return false;
        }
        var relationshipOk = relationshipElement.ValueKind switch
        {
            JsonValueKind.String => RelationshipTypeText.TryParse(relationshipElement.GetString()!, out var r1) ? (true, r1) : (false, default),
            JsonValueKind.Number when relationshipElement.TryGetInt64(out var n) => RelationshipTypeText.TryParse(n, out var r2) ? (true, r2) : (false, default),
            _ => (false, default(RelationshipType)),
        };
        if (!relationshipOk.Item1)
        {
            error = $"\"relationship\" {relationshipElement.GetRawText()} is not valid; {RelationshipTypeText.Expected}";
            return false;
        }

        var ageText = Scenario.DefaultAgeConstraint;
        if (JsonObjects.TryGetProperty(obj, "age_constraint", out var ageElement) && ageElement.ValueKind != JsonValueKind.Null)
        {
            if (ageElement.ValueKind != JsonValueKind.String)
            {
                error = "\"age_constraint\" must be a string such as \"[(18, 70), (18, 70)]\"";
                return false;
            }
            if (!AgeConstraint.TryParse(ageElement.GetString(), out var ranges, out var ageError))
            {
                error = $"\"age_constraint\": {ageError}";
                return false;
            }
            ageText = ranges.IsDefaultOrEmpty ? Scenario.DefaultAgeConstraint : AgeConstraint.Format(ranges);
        }

        string? occupation = null;
        if (JsonObjects.TryGetProperty(obj, "occupation_constraint", out var occupationElement) && occupationElement.ValueKind == JsonValueKind.String
            && !NullishText.IsNullish(occupationElement.GetString()))
        {
            occupation = occupationElement.GetString()!.Trim();
        }

        var codename = JsonObjects.TryGetProperty(obj, "codename", out var codeElement) && codeElement.ValueKind == JsonValueKind.String
            ? Slug(codeElement.GetString()!)
            : "";
        if (codename.Length == 0)
        {
            codename = Slug(keyword);
        }

        draft = new GeneratedScenarioDraft(codename, scenario, [goals[0], goals[1]], relationshipOk.Item2, ageText, occupation);
        error = null;
        return true;
    }

    /// <summary>A snake_case slug of at most 60 characters: lower-case letters and digits, other runs as '_'.</summary>
    public static string Slug(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
            if (builder.Length >= 60)
            {
                break;
            }
        }
        return builder.ToString().Trim('_');
    }

    /// <summary>The example scenario as the generator sees it (the answer's own shape).</summary>
    public static string ExampleJson(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var obj = new JsonObject
        {
            ["codename"] = scenario.Codename,
            ["scenario"] = scenario.Text,
            ["agent_goals"] = new JsonArray([.. scenario.Goals.Select(g => (JsonNode?)JsonValue.Create(g))]),
            ["relationship"] = RelationshipNames[(int)scenario.Relationship],
            ["age_constraint"] = scenario.AgeConstraint ?? Scenario.DefaultAgeConstraint,
            ["occupation_constraint"] = scenario.OccupationConstraint,
        };
        return obj.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static string BuildSchema()
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["codename"] = new JsonObject { ["type"] = "string", ["description"] = "a short snake_case label for the scenario" },
                ["scenario"] = new JsonObject { ["type"] = "string", ["description"] = "the shared context both participants see" },
                ["agent_goals"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["type"] = "string" },
                    ["minItems"] = 2,
                    ["maxItems"] = 2,
                    ["description"] = "the private social goal of the first and of the second participant",
                },
                ["relationship"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([.. RelationshipNames.Select(n => (JsonNode?)JsonValue.Create(n))]),
                },
                ["age_constraint"] = new JsonObject { ["type"] = "string", ["description"] = "two (min, max) age ranges, one per participant, e.g. [(18, 70), (18, 70)]" },
                ["occupation_constraint"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
            },
            ["required"] = new JsonArray("codename", "scenario", "agent_goals", "relationship", "age_constraint", "occupation_constraint"),
            ["additionalProperties"] = false,
        };
        return schema.ToJsonString();
    }
}
