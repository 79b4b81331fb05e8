using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Gathers the records read from every source of one load, then checks what needs all of them
/// (duplicate ids, references between records, named sets) and builds the dataset.</summary>
internal sealed class DatasetCollector(DataLimits limits)
{
    public DataLimits Limits { get; } = limits;

    public DataProblemLog Problems { get; } = new(limits.MaxProblems);

    public List<ParsedRecord<Character>> Characters { get; } = [];

    public List<ParsedRecord<Scenario>> Scenarios { get; } = [];

    public List<ParsedRecord<RelationshipProfile>> Relationships { get; } = [];

    public List<ParsedRecord<SocialTask>> Tasks { get; } = [];

    public List<RawNamedSet> Sets { get; } = [];

    public DataLoadResult Build(string source)
    {
        var characters = Unique(Characters, c => c.Id, "character");
        var scenarios = Unique(Scenarios, s => s.Id, "scenario");
        var relationships = Unique(Relationships, r => r.Id, "relationship");
        var tasks = Unique(Tasks, t => t.Id, "task");

        CheckAgentConstraints(scenarios, characters);
        var validRelationships = relationships.Values.Where(r => CheckRelationship(r, characters)).ToList();
        var validTasks = tasks.Values.Where(t => CheckTask(t, scenarios, characters)).ToList();

        var dataset = new SotopiaDataset
        {
            Characters = [.. characters.Values.Select(c => c.Value)],
            Relationships = [.. validRelationships.Select(r => r.Value)],
            Scenarios = [.. scenarios.Values.Select(s => s.Value)],
            Tasks = [.. validTasks.Select(t => t.Value)],
            NamedSets = BuildSets(scenarios),
        };
        return new DataLoadResult(dataset, Problems.Kept.ToImmutableArray(), source) { OmittedProblems = Problems.Omitted() };
    }

    /// <summary>First record per id wins; later ones are errors. Keeps file order.</summary>
    private OrderedRecords<T> Unique<T>(List<ParsedRecord<T>> records, Func<T, string> id, string kind)
    {
        var result = new OrderedRecords<T>();
        foreach (var record in records)
        {
            var key = id(record.Value);
            if (result.TryGet(key, out var first))
            {
                Problems.Add(record.Origin.Error(record.IdField, $"duplicate {kind} id '{key}' (first defined at {first.Origin})"));
                continue;
            }

            result.Add(key, record);
        }

        return result;
    }

    private bool CheckRelationship(ParsedRecord<RelationshipProfile> record, OrderedRecords<Character> characters)
    {
        var ok = true;
        foreach (var (field, agentId) in new[] { (record.Agent1Field, record.Value.Agent1Id), (record.Agent2Field, record.Value.Agent2Id) })
        {
            if (!characters.Contains(agentId))
            {
                Problems.Add(record.Origin.Error(field, $"relationship '{record.Value.Id}' refers to unknown character '{agentId}'"));
                ok = false;
            }
        }

        return ok;
    }

    private bool CheckTask(ParsedRecord<SocialTask> record, OrderedRecords<Scenario> scenarios, OrderedRecords<Character> characters)
    {
        var ok = true;
        var task = record.Value;
        if (!scenarios.Contains(task.ScenarioId))
        {
            Problems.Add(record.Origin.Error("env_id", $"task '{task.Id}' refers to unknown scenario '{task.ScenarioId}'"));
            ok = false;
        }

        foreach (var agentId in new[] { task.Agent1Id, task.Agent2Id })
        {
            if (!characters.Contains(agentId))
            {
                Problems.Add(record.Origin.Error("agent_ids", $"task '{task.Id}' refers to unknown character '{agentId}'"));
                ok = false;
            }
        }

        return ok;
    }

    private void CheckAgentConstraints(OrderedRecords<Scenario> scenarios, OrderedRecords<Character> characters)
    {
        foreach (var record in scenarios.Values)
        {
            if (record.Value.AgentConstraint is not { } constraint)
            {
                continue;
            }

            var unknown = constraint.SelectMany(ids => ids).Where(id => !characters.Contains(id)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                Problems.Add(record.Origin.Warning(
                    "agent_constraint",
                    $"scenario '{record.Value.Id}' allows {unknown.Count.ToString(CultureInfo.InvariantCulture)} unknown character id(s): {string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", ..." : "")}"));
            }
        }
    }

    private ImmutableDictionary<string, ImmutableArray<string>> BuildSets(OrderedRecords<Scenario> scenarios)
    {
        var sets = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        var origins = new Dictionary<string, RecordOrigin>(StringComparer.Ordinal);
        foreach (var set in Sets)
        {
            if (origins.TryGetValue(set.Name, out var earlier))
            {
                Problems.Add(set.Origin.Warning(set.Name, $"set '{set.Name}' is defined again; this definition replaces the one at {earlier}"));
            }

            origins[set.Name] = set.Origin;
            var ids = set.Ids.Distinct(StringComparer.Ordinal).ToList();
            if (scenarios.Count > 0)
            {
                var unknown = ids.Count(id => !scenarios.Contains(id));
                if (unknown > 0)
                {
                    Problems.Add(set.Origin.Warning(
                        set.Name,
                        $"{unknown.ToString(CultureInfo.InvariantCulture)} of {ids.Count.ToString(CultureInfo.InvariantCulture)} ids in set '{set.Name}' are not scenarios of this dataset and were left out"));
                    ids = ids.Where(scenarios.Contains).ToList();
                }
            }

            sets[set.Name] = [.. ids];
        }

        if (scenarios.Count > 0 && !sets.ContainsKey(SotopiaDataLoader.AllScenariosSet))
        {
            sets[SotopiaDataLoader.AllScenariosSet] = [.. scenarios.Values.Select(s => s.Value.Id)];
        }

        return sets.ToImmutable();
    }

    private sealed class OrderedRecords<T>
    {
        private readonly Dictionary<string, ParsedRecord<T>> _byId = new(StringComparer.Ordinal);

        public List<ParsedRecord<T>> Values { get; } = [];

        public int Count => Values.Count;

        public bool Contains(string id) => _byId.ContainsKey(id);

        public bool TryGet(string id, out ParsedRecord<T> record) => _byId.TryGetValue(id, out record!);

        public void Add(string id, ParsedRecord<T> record)
        {
            _byId.Add(id, record);
            Values.Add(record);
        }
    }
}
