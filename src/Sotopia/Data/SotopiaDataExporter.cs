using System.Text.Encodings.Web;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Writes a dataset in SOTOPIA's flattened JSONL layout (the one <see cref="SotopiaDataLoader"/> reads):
/// ids as <c>agent_id</c>/<c>env_id</c>/<c>relationship_id</c>/<c>combo_id</c>, relationships as digit strings,
/// null constraints and stories as the original null strings (<c>nan</c>, and <c>none</c> for agent
/// constraints), plus <c>sets.json</c> with the named sets (always written, <c>{}</c> when there are none, so a
/// stale file from an earlier export cannot come back; the built-in <see cref="SotopiaDataLoader.AllScenariosSet"/>
/// is left out when it holds exactly every scenario, since loading the files makes it again). Empty <c>model_id</c>/<c>tag</c> are left out, like the
/// original files.</summary>
public static class SotopiaDataExporter
{
    public const string SetsFile = "sets.json";

    private static readonly JsonWriterOptions LineOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly JsonWriterOptions SetsOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    /// <summary>Writes the four JSONL files and <see cref="SetsFile"/> into <paramref name="folder"/> (created if
    /// needed; existing files of the same names are replaced).</summary>
    public static void Write(SotopiaDataset dataset, string folder)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        WriteLines(Path.Combine(folder, SotopiaDataLoader.CharactersFile), dataset.Characters, WriteCharacter);
        WriteLines(Path.Combine(folder, SotopiaDataLoader.RelationshipsFile), dataset.Relationships, WriteRelationship);
        WriteLines(Path.Combine(folder, SotopiaDataLoader.ScenariosFile), dataset.Scenarios, WriteScenario);
        WriteLines(Path.Combine(folder, SotopiaDataLoader.TasksFile), dataset.Tasks, WriteTask);
        WriteSets(Path.Combine(folder, SetsFile), dataset);
    }

    private static void WriteLines<T>(string path, IEnumerable<T> records, Action<Utf8JsonWriter, T> write)
    {
        using var stream = File.Create(path);
        var newline = "\n"u8.ToArray();
        foreach (var record in records)
        {
            using (var writer = new Utf8JsonWriter(stream, LineOptions))
            {
                write(writer, record);
            }

            stream.Write(newline);
        }
    }

    private static void WriteCharacter(Utf8JsonWriter w, Character c)
    {
        w.WriteStartObject();
        w.WriteString("agent_id", c.Id);
        w.WriteString("first_name", c.FirstName);
        w.WriteString("last_name", c.LastName);
        w.WriteNumber("age", c.Age);
        w.WriteString("occupation", c.Occupation);
        w.WriteString("gender", c.Gender);
        w.WriteString("gender_pronoun", c.GenderPronoun);
        w.WriteString("public_info", c.PublicInfo);
        w.WriteString("big_five", c.BigFive);
        WriteList(w, "moral_values", c.MoralValues);
        WriteList(w, "schwartz_personal_values", c.SchwartzPersonalValues);
        w.WriteString("personality_and_values", c.PersonalityAndValues);
        w.WriteString("decision_making_style", c.DecisionMakingStyle);
        w.WriteString("secret", c.Secret);
        w.WriteString("mbti", c.Mbti);
        WriteIfNotEmpty(w, "model_id", c.ModelId);
        WriteIfNotEmpty(w, "tag", c.Tag);
        w.WriteEndObject();
    }

    private static void WriteRelationship(Utf8JsonWriter w, RelationshipProfile r)
    {
        w.WriteStartObject();
        w.WriteString("relationship_id", r.Id);
        w.WriteString("agent1_id", r.Agent1Id);
        w.WriteString("agent2_id", r.Agent2Id);
        w.WriteString("relationship", RelationshipTypeText.ToOriginalString(r.Relationship));
        w.WriteString("background_story", r.BackgroundStory ?? NullishText.Nan);
        WriteIfNotEmpty(w, "tag", r.Tag);
        w.WriteEndObject();
    }

    private static void WriteScenario(Utf8JsonWriter w, Scenario s)
    {
        w.WriteStartObject();
        w.WriteString("env_id", s.Id);
        w.WriteString("codename", s.Codename);
        w.WriteString("source", s.Source);
        w.WriteString("scenario", s.Text);
        WriteList(w, "agent_goals", s.Goals);
        w.WriteString("relationship", RelationshipTypeText.ToOriginalString(s.Relationship));
        w.WriteString("age_constraint", s.AgeConstraint ?? NullishText.Nan);
        w.WriteString("occupation_constraint", s.OccupationConstraint ?? NullishText.Nan);
        if (s.AgentConstraint is { } constraint)
        {
            w.WriteStartArray("agent_constraint");
            foreach (var ids in constraint)
            {
                w.WriteStartArray();
                foreach (var id in ids)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteString("agent_constraint", NullishText.None);
        }

        WriteIfNotEmpty(w, "tag", s.Tag);
        if (s.Provenance is { } provenance)
        {
            w.WritePropertyName("provenance");
            JsonSerializer.Serialize(w, provenance, SotopiaJson.Options);
        }
        w.WriteEndObject();
    }

    private static void WriteTask(Utf8JsonWriter w, SocialTask t)
    {
        w.WriteStartObject();
        w.WriteString("combo_id", t.Id);
        w.WriteString("env_id", t.ScenarioId);
        w.WriteStartArray("agent_ids");
        w.WriteStringValue(t.Agent1Id);
        w.WriteStringValue(t.Agent2Id);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSets(string path, SotopiaDataset dataset)
    {
        using var stream = File.Create(path);
        using (var w = new Utf8JsonWriter(stream, SetsOptions))
        {
            w.WriteStartObject();
            foreach (var (name, ids) in dataset.NamedSets.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (name == SotopiaDataLoader.AllScenariosSet && IsEveryScenario(ids, dataset))
                {
                    continue;
                }

                WriteList(w, name, ids);
            }

            w.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    private static bool IsEveryScenario(IReadOnlyCollection<string> ids, SotopiaDataset dataset) =>
        ids.Count == dataset.Scenarios.Length && ids.SequenceEqual(dataset.Scenarios.Select(s => s.Id), StringComparer.Ordinal);

    private static void WriteList(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }

    private static void WriteIfNotEmpty(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0)
        {
            w.WriteString(name, value);
        }
    }
}
