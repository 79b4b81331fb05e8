using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>Builds judge requests and prompts from scripted moves.</summary>
internal static class SimScripts
{
    public static readonly Character Amara = new() { Id = "amara", FirstName = "Amara", LastName = "Okafor" };
    public static readonly Character Bruno = new() { Id = "bruno", FirstName = "Bruno", LastName = "Silva" };

    /// <summary>A judge request where the seats play <paramref name="moves"/> in turn (seat 0 first).</summary>
    public static EpisodeJudgeRequest Request(SimScenario scenario, string taskId, long seed, params SocialMove[] moves)
    {
        var setup = Setup(scenario, taskId);
        var turns = ImmutableArray.CreateBuilder<Turn>();
        for (var t = 0; t < moves.Length; t++)
        {
            var seat = t % 2;
            var task = TaskText.Create(scenario.Text, scenario.Goal(seat));
            var context = new MoveRenderContext(setup.Agent(seat).FullName, setup.Other(seat).FullName, task);
            turns.Add(new Turn(taskId, t, seat, MoveCodec.Render(moves[t], context, t)));
        }
        var termination = moves.Length > 0 && moves[^1] == SocialMove.Leave
            ? ((moves.Length - 1) % 2 == 0 ? TerminationReason.Agent1Left : TerminationReason.Agent2Left)
            : TerminationReason.TooLong;
        return new EpisodeJudgeRequest("ep-" + taskId, setup, turns.ToImmutable(), termination, seed);
    }

    public static EpisodeSetup Setup(SimScenario scenario, string taskId) => new(
        new SocialTask { Id = taskId, ScenarioId = scenario.Id, Agent1Id = Amara.Id, Agent2Id = Bruno.Id },
        new Scenario { Id = scenario.Id, Text = scenario.Text, Goals = [scenario.Goal0, scenario.Goal1], Relationship = RelationshipType.Friend },
        Amara,
        Bruno);

    /// <summary>A prompt for seat 0 (Amara) after the given history (seat 0 moves first).</summary>
    public static ParsedPrompt Prompt(SimScenario scenario, int seat, params SocialMove[] history)
    {
        var names = new[] { Amara.FullName, Bruno.FullName };
        var entries = ImmutableArray.CreateBuilder<ParsedHistoryEntry>();
        for (var t = 0; t < history.Length; t++)
        {
            var speaker = t % 2;
            var task = TaskText.Create(scenario.Text, scenario.Goal(speaker));
            var action = MoveCodec.Render(history[t], new MoveRenderContext(names[speaker], names[1 - speaker], task), t);
            if (action.Type != ActionType.None)
            {
                entries.Add(new ParsedHistoryEntry(t, names[speaker], action));
            }
        }
        return new ParsedPrompt(names[seat], names[1 - seat], SimEpisodeLoop.RenderHints(scenario.Text),
            SimEpisodeLoop.RenderHints(scenario.Goal(seat)), history.Length, entries.ToImmutable());
    }

    public static SimScenario Scenario(string id) => SyntheticScenarios.All.Single(s => s.Id == "syn-" + id);
}
