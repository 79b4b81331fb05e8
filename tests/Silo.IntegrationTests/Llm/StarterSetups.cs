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

    public static ImmutableArray<Turn> Conversation(string episodeId, int turns) =>
        [.. Enumerable.Range(0, turns).Select(i => new Turn(episodeId, i, i % 2, AgentAction.Speak($"line {i}")))];
}
