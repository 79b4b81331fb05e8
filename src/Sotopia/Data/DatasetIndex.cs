using System.Diagnostics.CodeAnalysis;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Fast lookups over a loaded dataset: characters and scenarios by id, and the setup of an episode.</summary>
public sealed class DatasetIndex
{
    private readonly Dictionary<string, Character> _characters;
    private readonly Dictionary<string, Scenario> _scenarios;

    public DatasetIndex(SotopiaDataset dataset)
    {
        Dataset = dataset;
        _characters = dataset.Characters.ToDictionary(c => c.Id, StringComparer.Ordinal);
        _scenarios = dataset.Scenarios.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public SotopiaDataset Dataset { get; }

    /// <summary>Builds the setup an episode plays; false (with the reason) when its scenario or a character is
    /// not in the dataset.</summary>
    public bool TryGetSetup(EpisodeRecord episode, [NotNullWhen(true)] out EpisodeSetup? setup, [NotNullWhen(false)] out string? error)
    {
        setup = null;
        if (!_scenarios.TryGetValue(episode.ScenarioId, out var scenario))
        {
            error = $"scenario '{episode.ScenarioId}' of episode '{episode.Id}' is not in the store's dataset";
            return false;
        }
        if (!_characters.TryGetValue(episode.Agent1Id, out var agent1))
        {
            error = $"character '{episode.Agent1Id}' of episode '{episode.Id}' is not in the store's dataset";
            return false;
        }
        if (!_characters.TryGetValue(episode.Agent2Id, out var agent2))
        {
            error = $"character '{episode.Agent2Id}' of episode '{episode.Id}' is not in the store's dataset";
            return false;
        }
        var task = new SocialTask { Id = episode.TaskId, ScenarioId = scenario.Id, Agent1Id = agent1.Id, Agent2Id = agent2.Id };
        setup = new EpisodeSetup(task, scenario, agent1, agent2);
        error = null;
        return true;
    }

    public EpisodeSetup GetSetup(EpisodeRecord episode) =>
        TryGetSetup(episode, out var setup, out var error) ? setup : throw new KeyNotFoundException(error);
}
