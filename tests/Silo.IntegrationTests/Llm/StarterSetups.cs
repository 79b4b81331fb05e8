using System.Collections.Immutable;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>Episode setups from the starter dataset shipped next to the binaries.</summary>
internal static class StarterSetups
{
    private static readonly Lazy<SotopiaDataset> Dataset = new(() =>
    {
        var loaded = SotopiaDataLoader.Load(DatasetLocator.StarterPath);
        Assert.True(loaded.IsValid, $"the starter dataset at {DatasetLocator.StarterPath} does not load");
        return loaded.Dataset;
    });

    public static SotopiaDataset Data => Dataset.Value;

    public static EpisodeSetup Setup(int taskIndex = 0)
    {
        var data = Dataset.Value;
        var task = data.Tasks[taskIndex];
        var characters = data.Characters.ToDictionary(c => c.Id);
        return new EpisodeSetup(task, data.Scenarios.Single(s => s.Id == task.ScenarioId), characters[task.Agent1Id], characters[task.Agent2Id]);
    }

    /// <summary>A = the starter data; B = the same records with another "hard" set and a rewritten scenario that
    /// both hard sets share an id with.</summary>
    public static (SotopiaDataset A, SotopiaDataset B, string Shared) TwoImports()
    {
        var a = Data;
        var hardA = a.NamedSets["hard"];
        var shared = hardA[0];
        var hardB = a.Scenarios.Select(s => s.Id).Where(id => !hardA.Contains(id)).Take(2).Prepend(shared).ToImmutableArray();
        var b = a with
        {
            Scenarios = [.. a.Scenarios.Select(s => s.Id == shared ? s with { Text = "Rewritten in import B." } : s)],
            NamedSets = a.NamedSets.SetItem("hard", hardB),
        };
        return (a, b, shared);
    }

    public static ImmutableArray<Turn> Conversation(string episodeId, int turns) =>
        [.. Enumerable.Range(0, turns).Select(i => new Turn(episodeId, i, i % 2, AgentAction.Speak($"line {i}")))];
}
