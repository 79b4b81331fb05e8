using System.Collections.Concurrent;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The simulator's judge (GPT-4-as-judge's role): replays the episode's classified moves through the
/// task's hidden <see cref="TaskDynamics"/> and scores both seats on the 7 SOTOPIA dimensions, each with a
/// short reason. Deterministic for the episode's seed; integer scores always within range. The world seed
/// selects a different but equally stable set of hidden task parameters.</summary>
public sealed class SimulatorJudge(long worldSeed = 0) : IEpisodeJudge
{
    private const int CacheCapacity = 8192;

    private readonly ConcurrentDictionary<string, TaskDynamics> _dynamics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Scenario, string Goal), TaskText> _texts = new();

    public string Model => SimulatorModels.Judge;

    public long WorldSeed { get; } = worldSeed;

    public ValueTask<EvaluationOutcome> JudgeAsync(EpisodeJudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Judge(request));
    }

    /// <summary>Judges synchronously (the simulator needs no I/O).</summary>
    public EvaluationOutcome Judge(EpisodeJudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var setup = request.Setup;
        if (setup?.Scenario is null || setup.Agent1 is null || setup.Agent2 is null || setup.Task is null)
        {
            return Failed(request, "the episode setup is incomplete (scenario, task and both characters are required)");
        }
        if (setup.Scenario.Goals.IsDefault || setup.Scenario.Goals.Length != 2)
        {
            return Failed(request, $"scenario '{setup.Scenario.Id}' must have exactly 2 goals");
        }
        var turns = request.Turns.IsDefault ? [] : request.Turns;
        for (var i = 0; i < turns.Length; i++)
        {
            var turn = turns[i];
            if (turn is null || turn.Seat is not (0 or 1) || turn.Action is null)
            {
                return Failed(request, $"turn {i} is malformed (seat must be 0 or 1 and an action is required)");
            }
            if (i > 0 && turn.Number <= turns[i - 1].Number)
            {
                turns = [.. turns.OrderBy(t => t.Number)];
                break;
            }
        }
        var texts = new[]
        {
            Text(setup.Scenario.Text, setup.Scenario.Goals[0]),
            Text(setup.Scenario.Text, setup.Scenario.Goals[1]),
        };
        var dynamics = Dynamics(setup.Task.Id, texts[0].Kind, texts[1].Kind);
        var (agent1, agent2) = JudgeReplay.Run(setup, turns, dynamics, texts, request.Seed);
        return EvaluationOutcome.Success(new EpisodeEvaluation(agent1, agent2, Model), CallUsage.Zero(Model));
    }

    /// <summary>The hidden parameters of a task in this judge's world (cached per task).</summary>
    public TaskDynamics Dynamics(string taskId, ScenarioKind kind0, ScenarioKind kind1)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        if (_dynamics.TryGetValue(taskId, out var cached) && cached.Kind(0) == kind0 && cached.Kind(1) == kind1)
        {
            return cached;
        }
        if (_dynamics.Count >= CacheCapacity)
        {
            _dynamics.Clear();
        }
        var created = TaskDynamics.Create(taskId, WorldSeed, kind0, kind1);
        _dynamics[taskId] = created;
        return created;
    }

    private TaskText Text(string scenario, string goal)
    {
        var key = (scenario ?? "", goal ?? "");
        if (_texts.TryGetValue(key, out var text))
        {
            return text;
        }
        if (_texts.Count >= CacheCapacity)
        {
            _texts.Clear();
        }
        text = TaskText.Create(key.Item1, key.Item2);
        _texts.TryAdd(key, text);
        return text;
    }

    private EvaluationOutcome Failed(EpisodeJudgeRequest request, string reason) =>
        EvaluationOutcome.Failed(new EvaluationFailure($"Simulator judge cannot score episode '{request.EpisodeId}': {reason}."), CallUsage.Zero(Model));
}
