using System.Globalization;
using System.Text.Json;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Reads the records of a Redis-OM JSON export (keys <c>:&lt;python.class.path&gt;:&lt;pk&gt;</c>). Known
/// classes: AgentProfile, EnvironmentProfile, RelationshipProfile, EnvAgentComboStorage, and EnvironmentList
/// (becomes a named set). Other classes (EpisodeLog, …) are skipped with one warning per class.</summary>
internal static class RedisOmImport
{
    public static void Read(List<(string Name, JsonElement Value, RecordOrigin Origin)> properties, string display, DatasetCollector collector)
    {
        var skipped = new List<(string ClassPath, int Count)>();
        var otherKeys = 0;
        foreach (var (key, value, origin) in properties)
        {
            if (!SotopiaDataLoader.IsRedisKey(key, out var classPath, out var pk))
            {
                otherKeys++;
                continue;
            }

            var className = classPath[(classPath.LastIndexOf('.') + 1)..];
            if (className is not ("AgentProfile" or "EnvironmentProfile" or "RelationshipProfile" or "EnvAgentComboStorage" or "EnvironmentList"))
            {
                var index = skipped.FindIndex(s => s.ClassPath == classPath);
                if (index < 0)
                {
                    skipped.Add((classPath, 1));
                }
                else
                {
                    skipped[index] = (classPath, skipped[index].Count + 1);
                }

                continue;
            }

            JsonDocument? owned = null;
            JsonElement record;
            if (value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    owned = JsonDocument.Parse(value.GetString()!);
                }
                catch (JsonException exception)
                {
                    collector.Problems.Add(origin.Error(null, $"the value of '{key}' is a string but not a JSON record: {SotopiaDataLoader.DescribeJsonError(exception)}"));
                    continue;
                }

                record = owned.RootElement;
            }
            else if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 1)
            {
                record = value[0];
            }
            else
            {
                record = value;
            }

            using (owned)
            {
                if (record.ValueKind != JsonValueKind.Object)
                {
                    collector.Problems.Add(origin.Error(null, $"the value of '{key}' should be a JSON object record, found {FieldReader.Describe(record)}"));
                    continue;
                }

                var reader = new FieldReader(record, origin, collector.Problems);
                switch (className)
                {
                    case "AgentProfile":
                        AddIfParsed(collector.Characters, SotopiaRecordParser.ParseCharacter(reader, pk));
                        break;
                    case "EnvironmentProfile":
                        AddIfParsed(collector.Scenarios, SotopiaRecordParser.ParseScenario(reader, pk));
                        break;
                    case "RelationshipProfile":
                        AddIfParsed(collector.Relationships, SotopiaRecordParser.ParseRelationship(reader, pk));
                        break;
                    case "EnvAgentComboStorage":
                        AddIfParsed(collector.Tasks, SotopiaRecordParser.ParseTask(reader, pk));
                        break;
                    default:
                        if (SotopiaRecordParser.ParseEnvironmentList(reader, pk) is { } set)
                        {
                            collector.Sets.Add(set);
                        }

                        break;
                }
            }
        }

        foreach (var (classPath, count) in skipped)
        {
            collector.Problems.Add(new DataProblem(
                DataProblemSeverity.Warning,
                display,
                null,
                null,
                $"skipped {count.ToString(CultureInfo.InvariantCulture)} record(s) of class {classPath} (not SOTOPIA profile data)"));
        }

        if (otherKeys > 0)
        {
            collector.Problems.Add(new DataProblem(
                DataProblemSeverity.Warning,
                display,
                null,
                null,
                $"skipped {otherKeys.ToString(CultureInfo.InvariantCulture)} key(s) that are not Redis-OM records (:<class>:<pk>)"));
        }
    }

    private static void AddIfParsed<T>(List<ParsedRecord<T>> target, ParsedRecord<T>? record)
    {
        if (record is not null)
        {
            target.Add(record);
        }
    }
}
