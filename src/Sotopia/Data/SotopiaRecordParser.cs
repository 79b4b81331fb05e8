using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Turns one JSON record (flattened JSONL or Redis-OM) into a domain record, reporting every problem of
/// that record. Returns null when the record has an error (it is then skipped).</summary>
internal static class SotopiaRecordParser
{
    public static ParsedRecord<Character>? ParseCharacter(FieldReader r, string? fallbackId)
    {
        var id = r.RequiredId(fallbackId, out var idField, "agent_id", "pk");
        var firstName = r.RequiredText("first_name");
        var lastName = r.RequiredText("last_name");
        var character = new Character
        {
            Id = id ?? "",
            FirstName = firstName ?? "",
            LastName = lastName ?? "",
            Age = r.Int("age", 0),
            Occupation = r.Text("occupation"),
            Gender = r.Text("gender"),
            GenderPronoun = r.Text("gender_pronoun"),
            PublicInfo = r.Text("public_info"),
            BigFive = r.Text("big_five"),
            MoralValues = r.TrimmedTextList("moral_values"),
            SchwartzPersonalValues = r.TrimmedTextList("schwartz_personal_values"),
            PersonalityAndValues = r.Text("personality_and_values"),
            DecisionMakingStyle = r.Text("decision_making_style"),
            Secret = r.Text("secret"),
            ModelId = r.Text("model_id"),
            Mbti = r.Text("mbti"),
            Tag = r.Text("tag"),
        };
        return r.HasErrors ? null : new ParsedRecord<Character>(character, r.Origin, idField);
    }

    public static ParsedRecord<Scenario>? ParseScenario(FieldReader r, string? fallbackId)
    {
        var id = r.RequiredId(fallbackId, out var idField, "env_id", "pk");
        var text = r.RequiredText("scenario");
        var goals = r.RequiredTextList("agent_goals", "a list of 2 goals");
        if (goals is not null && goals.Count != 2)
        {
            r.Error("agent_goals", $"expected exactly 2 goals, found {goals.Count.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (goals is not null)
        {
            for (var i = 0; i < goals.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(goals[i]))
                {
                    r.Error("agent_goals", $"goal {(i + 1).ToString(CultureInfo.InvariantCulture)} is empty");
                }
            }
        }

        var relationship = r.RequiredRelationship("relationship");
        var ageConstraint = r.NullableText("age_constraint");
        if (!AgeConstraint.TryParse(ageConstraint, out _, out var ageError))
        {
            r.Error("age_constraint", $"cannot parse the age constraint: {ageError}");
        }

        var scenario = new Scenario
        {
            Id = id ?? "",
            Codename = r.Text("codename"),
            Source = r.Text("source"),
            Text = text ?? "",
            Goals = goals is null ? [] : [.. goals],
            Relationship = relationship ?? RelationshipType.Stranger,
            AgeConstraint = ageConstraint,
            OccupationConstraint = r.NullableText("occupation_constraint"),
            AgentConstraint = r.StringLists("agent_constraint"),
            Tag = r.Text("tag"),
            Provenance = ScenarioProvenanceField(r),
        };
        return r.HasErrors ? null : new ParsedRecord<Scenario>(scenario, r.Origin, idField);
    }

    /// <summary>The optional <c>provenance</c> object of a generated scenario (written by the exporter); an unreadable
    /// one is dropped with a warning.</summary>
    private static ScenarioProvenance? ScenarioProvenanceField(FieldReader r)
    {
        if (!r.TryGet(["provenance"], out var value, out var field) || value.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return null;
        }
        try
        {
            return value.ValueKind == System.Text.Json.JsonValueKind.Object
                ? System.Text.Json.JsonSerializer.Deserialize<ScenarioProvenance>(value, SotopiaJson.Options)
                : throw new System.Text.Json.JsonException($"expected an object, got {FieldReader.Describe(value)}");
        }
        catch (System.Text.Json.JsonException ex)
        {
            r.Warning(field, $"the provenance is not readable and is ignored: {ex.Message}");
            return null;
        }
    }

    public static ParsedRecord<RelationshipProfile>? ParseRelationship(FieldReader r, string? fallbackId)
    {
        var id = r.RequiredId(fallbackId, out var idField, "relationship_id", "pk");
        var agent1 = r.RequiredText(out var agent1Field, "agent1_id", "agent_1_id");
        var agent2 = r.RequiredText(out var agent2Field, "agent2_id", "agent_2_id");
        var relationship = r.RequiredRelationship("relationship");
        if (agent1 is not null && agent1 == agent2)
        {
            r.Error(agent2Field, $"a relationship needs two different characters, but both are '{agent1}'");
        }

        var profile = new RelationshipProfile
        {
            Id = id ?? "",
            Agent1Id = agent1 ?? "",
            Agent2Id = agent2 ?? "",
            Relationship = relationship ?? RelationshipType.Stranger,
            BackgroundStory = r.NullableText("background_story"),
            Tag = r.Text("tag"),
        };
        return r.HasErrors ? null : new ParsedRecord<RelationshipProfile>(profile, r.Origin, idField, agent1Field, agent2Field);
    }

    public static ParsedRecord<SocialTask>? ParseTask(FieldReader r, string? fallbackId)
    {
        var id = r.RequiredId(fallbackId, out var idField, "combo_id", "pk");
        var scenarioId = r.RequiredText("env_id");
        var agents = r.RequiredTextList("agent_ids", "a list of 2 character ids");
        if (agents is not null && agents.Count != 2)
        {
            r.Error("agent_ids", $"expected exactly 2 character ids, found {agents.Count.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (agents is not null && agents.Any(string.IsNullOrWhiteSpace))
        {
            r.Error("agent_ids", "a character id is empty");
        }
        else if (agents is not null && agents[0] == agents[1])
        {
            r.Error("agent_ids", $"the same character '{agents[0]}' is in both seats");
        }

        if (r.HasErrors || agents is null)
        {
            return null;
        }

        var task = new SocialTask { Id = id!, ScenarioId = scenarioId!, Agent1Id = agents[0], Agent2Id = agents[1] };
        return new ParsedRecord<SocialTask>(task, r.Origin, idField);
    }

    /// <summary>A Redis-OM <c>EnvironmentList</c> (a named list of scenarios) as a named set.</summary>
    public static RawNamedSet? ParseEnvironmentList(FieldReader r, string? fallbackId)
    {
        var name = r.Text("name");
        var ids = r.RequiredTextList("environments", "a list of scenario ids");
        if (r.HasErrors || ids is null)
        {
            return null;
        }

        name = string.IsNullOrWhiteSpace(name) ? fallbackId ?? "" : name;
        if (name.Length == 0)
        {
            r.Error("name", "an environment list needs a name or a pk");
            return null;
        }

        return new RawNamedSet(name, [.. ids.Select(s => s.Trim())], r.Origin);
    }
}
