using System.Collections.Immutable;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>A seat's decision rule at the pure level: a parsed prompt and a seeded random source in, an action out.</summary>
internal delegate AgentAction SimDecider(ParsedPrompt prompt, Random random);

/// <summary>One decision of an episode, as an SFT exporter would see it.</summary>
internal sealed record SimDecision(int Seat, ParsedPrompt Prompt, AgentAction Action);

/// <summary>A played and judged episode.</summary>
internal sealed record SimEpisode(
    SimScenario Scenario, string TaskId, ImmutableArray<Turn> Turns, ImmutableArray<SimDecision> Decisions,
    TerminationReason Termination, EpisodeEvaluation Evaluation);

/// <summary>A test-only episode loop with SOTOPIA's rules: round-robin (seat 0 at even turns), ends after turn
/// 20, on leave, or when more than two consecutive <c>none</c>s are seen (forced nones of the inactive seat
/// count). Builds the <see cref="ParsedPrompt"/>s directly, then asks the <see cref="SimulatorJudge"/>.</summary>
internal static partial class SimEpisodeLoop
{
    private static readonly string[] FirstNames = ["Amara", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Imani", "Jonas", "Keiko", "Luca"];
    private static readonly string[] LastNames = ["Okafor", "Silva", "Martin", "Petrov", "Rossi", "Haddad", "Berg", "Tanaka", "Mensah", "Keller", "Sato", "Bianchi"];

    public static (Character, Character) Pair(int index)
    {
        var a = index % FirstNames.Length;
        var b = (a + 1 + (index / FirstNames.Length % (FirstNames.Length - 1))) % FirstNames.Length;
        return (Character(a), Character(b));
    }

    public static SimEpisode Play(SimScenario scenario, string taskId, (Character A, Character B) pair, SimDecider seat0, SimDecider seat1,
        SimulatorJudge judge, long seed)
    {
        var names = new[] { pair.A.FullName, pair.B.FullName };
        var scenarioText = RenderHints(scenario.Text);
        var goals = new[] { RenderHints(scenario.Goal0), RenderHints(scenario.Goal1) };
        var history = ImmutableArray.CreateBuilder<ParsedHistoryEntry>();
        var turns = ImmutableArray.CreateBuilder<Turn>();
        var decisions = ImmutableArray.CreateBuilder<SimDecision>();
        var noneRun = 0;
        TerminationReason? termination = null;
        for (var t = 0; termination is null; t++)
        {
            var seat = t % 2;
            var prompt = new ParsedPrompt(names[seat], names[1 - seat], scenarioText, goals[seat], t, history.ToImmutable());
            var random = new Random(unchecked((int)((seed * 1_000_003) + (t * 7919) + seat)));
            var action = (seat == 0 ? seat0 : seat1)(prompt, random);
            decisions.Add(new SimDecision(seat, prompt, action));
            turns.Add(new Turn(taskId, t, seat, action));
            if (action.Type != ActionType.None)
            {
                history.Add(new ParsedHistoryEntry(t, names[seat], action));
            }
            // Inbox order per step: seat 0's action, then seat 1's; the inactive one is a forced none.
            for (var s = 0; s < 2; s++)
            {
                var isNone = s != seat || action.Type == ActionType.None;
                noneRun = isNone ? noneRun + 1 : 0;
            }
            if (action.Type == ActionType.Leave)
            {
                termination = seat == 0 ? TerminationReason.Agent1Left : TerminationReason.Agent2Left;
            }
            else if (noneRun > 2)
            {
                termination = TerminationReason.Stale;
            }
            else if (t + 1 > 20)
            {
                termination = TerminationReason.TooLong;
            }
        }

        var setup = new EpisodeSetup(
            new SocialTask { Id = taskId, ScenarioId = scenario.Id, Agent1Id = pair.A.Id, Agent2Id = pair.B.Id },
            new Scenario { Id = scenario.Id, Codename = scenario.Codename, Text = scenario.Text, Goals = [scenario.Goal0, scenario.Goal1], Relationship = RelationshipType.Friend },
            pair.A,
            pair.B);
        var outcome = judge.Judge(new EpisodeJudgeRequest(taskId + "/" + seed, setup, turns.ToImmutable(), termination.Value, seed));
        Assert.True(outcome.Succeeded, outcome.Failure?.Reason);
        return new SimEpisode(scenario, taskId, turns.ToImmutable(), decisions.ToImmutable(), termination.Value, outcome.Evaluation);
    }

    /// <summary>Renders hint tags the way an agent sees them (inner text kept), dropping environment-only blocks.</summary>
    public static string RenderHints(string text) => AnyTag().Replace(ViewerBlock().Replace(text, ""), "");

    private static Character Character(int i) => new()
    {
        Id = "c" + i,
        FirstName = FirstNames[i],
        LastName = LastNames[i],
        Age = 30 + i,
    };

    [GeneratedRegex("""<p viewer="[^"]*">.*?</p>""", RegexOptions.Singleline)]
    private static partial Regex ViewerBlock();

    [GeneratedRegex("""</?[A-Za-z_][\w-]*>""")]
    private static partial Regex AnyTag();
}
