using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Episodes;

/// <summary>Test-only reader of the original SOTOPIA files in <c>shared/data/sotopia/sotopia_original</c> (there is
/// no product loader in this branch). Maps the flattened export's fields to our records.</summary>
internal static class OriginalData
{
    private static readonly Lazy<Loaded> Data = new(Load);

    public static IReadOnlyList<Character> Characters => Data.Value.Characters;

    public static IReadOnlyList<Scenario> Scenarios => Data.Value.Scenarios;

    public static IReadOnlyList<SocialTask> Tasks => Data.Value.Tasks;

    /// <summary>Every original task as a setup (90 scenarios × 5 character pairs).</summary>
    public static IReadOnlyList<EpisodeSetup> Setups => Data.Value.Setups;

    /// <summary>The <c>sotopia_original</c> folder; fails (never skips) when it cannot be found.</summary>
    public static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "sotopia"), Path.Combine(dir.FullName, "..", "shared", "data", "sotopia") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(Path.Combine(candidate, "sotopia_original"));
                }
            }
        }
        throw new InvalidOperationException(
            $"The original SOTOPIA data was not found: no 'shared/data/sotopia' folder at or beside any parent of {AppContext.BaseDirectory}. " +
            "Place the shared data folder next to the repository clone (<dir>/shared beside <dir>/<clone>).");
    }

    private static Loaded Load()
    {
        var folder = Folder();
        var characters = Read(folder, "agent_profiles.jsonl", e => new Character
        {
            Id = S(e, "agent_id"),
            FirstName = S(e, "first_name"),
            LastName = S(e, "last_name"),
            Age = e.GetProperty("age").GetInt32(),
            Occupation = S(e, "occupation"),
            Gender = S(e, "gender"),
            GenderPronoun = S(e, "gender_pronoun"),
            PublicInfo = S(e, "public_info"),
            BigFive = S(e, "big_five"),
            MoralValues = [.. e.GetProperty("moral_values").EnumerateArray().Select(v => v.GetString()!.Trim())],
            SchwartzPersonalValues = [.. e.GetProperty("schwartz_personal_values").EnumerateArray().Select(v => v.GetString()!.Trim())],
            PersonalityAndValues = S(e, "personality_and_values"),
            DecisionMakingStyle = S(e, "decision_making_style"),
            Secret = S(e, "secret"),
            Mbti = S(e, "mbti"),
        });
        var scenarios = Read(folder, "environment_profiles.jsonl", e => new Scenario
        {
            Id = S(e, "env_id"),
            Codename = S(e, "codename"),
            Source = S(e, "source"),
            Text = S(e, "scenario"),
            Goals = [.. e.GetProperty("agent_goals").EnumerateArray().Select(v => v.GetString()!)],
            Relationship = (RelationshipType)int.Parse(S(e, "relationship"), System.Globalization.CultureInfo.InvariantCulture),
            AgeConstraint = NullIfNan(S(e, "age_constraint")),
            OccupationConstraint = NullIfNan(S(e, "occupation_constraint")),
        });
        var tasks = Read(folder, "env_agent_combo_storages.jsonl", e =>
        {
            var ids = e.GetProperty("agent_ids").EnumerateArray().Select(v => v.GetString()!).ToArray();
            return new SocialTask { Id = S(e, "combo_id"), ScenarioId = S(e, "env_id"), Agent1Id = ids[0], Agent2Id = ids[1] };
        });
        var byCharacter = characters.ToDictionary(c => c.Id);
        var byScenario = scenarios.ToDictionary(s => s.Id);
        var setups = tasks.Select(t => new EpisodeSetup(t, byScenario[t.ScenarioId], byCharacter[t.Agent1Id], byCharacter[t.Agent2Id])).ToList();
        return new Loaded(characters, scenarios, tasks, setups);
    }

    private static List<T> Read<T>(string folder, string file, Func<JsonElement, T> map)
    {
        var path = Path.Combine(folder, file);
        var items = new List<T>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                items.Add(map(doc.RootElement));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {ex.Message}", ex);
            }
        }
        return items;
    }

    private static string S(JsonElement e, string name) => e.GetProperty(name).GetString() ?? "";

    private static string? NullIfNan(string value) => value is "nan" or "none" or "" ? null : value;

    private sealed record Loaded(List<Character> Characters, List<Scenario> Scenarios, List<SocialTask> Tasks, List<EpisodeSetup> Setups);
}
