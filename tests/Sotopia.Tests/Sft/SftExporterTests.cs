using System.Text.Json;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Sotopia.Filtering;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Sft;
using SotopiaPi.Sotopia.Tests.Episodes;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Sft;

public sealed class SftExporterTests
{
    // 7 steps: seat 0 plays 0, 2, 4, 6 (a none at 2, the leave at 6); seat 1 plays 1, 3, 5.
    private static readonly AgentAction[] Actions =
    [
        AgentAction.Speak("Could you help me weed?"),
        new(ActionType.NonVerbalCommunication, "raises an eyebrow"),
        AgentAction.None,
        new(ActionType.Action, "hands over the watering can"),
        AgentAction.Speak("Thanks, \"neighbour\":\nsee you."),
        AgentAction.Speak("Bye"),
        AgentAction.Leave,
    ];

    private static readonly Dictionary<string, SftEpisode> Episodes = new()
    {
        ["e-1"] = new SftEpisode(Setup(), Turns(Actions)),
        ["e-2"] = new SftEpisode(OriginalData.Setups[0], Turns(Tricky)),
    };

    private static SftExport Build(SftOptions? options = null, params FilteredTrajectory[] trajectories) =>
        SftExporter.Build(trajectories, id => Episodes[id], options);

    private static FilteredTrajectory Trajectory(string episode, int seat) => new(episode, "s", seat, 8, 3.0);

    [Fact]
    public void ThereIsOneExamplePerTurnOfTheChosenSeatIncludingNoneAndLeave()
    {
        var export = Build(null, Trajectory("e-1", 0), Trajectory("e-1", 1), Trajectory("e-2", 1));
        Assert.Equal(3, export.Trajectories);
        Assert.Equal(4 + 3 + 4, export.ExampleCount);
        Assert.Equal([0, 2, 4, 6], export.Examples.Where(e => e.EpisodeId == "e-1" && e.Seat == 0).Select(e => e.TurnNumber));
        Assert.Equal([1, 3, 5], export.Examples.Where(e => e.EpisodeId == "e-1" && e.Seat == 1).Select(e => e.TurnNumber));
        Assert.Equal(0, export.TruncatedExamples);
    }

    [Fact]
    public void NoneTurnsCanBeDropped()
    {
        var export = Build(new SftOptions { DropNoneTurns = true }, Trajectory("e-1", 0));
        Assert.Equal([0, 4, 6], export.Examples.Select(e => e.TurnNumber));
        Assert.Equal(1, export.DroppedNoneTurns);
    }

    [Fact]
    public void EachExampleIsThePromptOfThatTurnAndTheActionTakenThen()
    {
        var export = Build(null, Trajectory("e-1", 0), Trajectory("e-1", 1), Trajectory("e-2", 0), Trajectory("e-2", 1));
        foreach (var example in export.Examples)
        {
            var episode = Episodes[example.EpisodeId];
            var turn = episode.Turns[example.TurnNumber];
            Assert.Equal(example.Seat, turn.Seat);
            Assert.Equal(AgentPromptRenderer.Render(episode.Setup, example.Seat, [.. episode.Turns.Take(example.TurnNumber)], example.TurnNumber), example.Prompt);

            var parsed = AgentPromptReader.Instance.Read(example.Prompt);
            Assert.Equal(example.TurnNumber, parsed.TurnNumber);
            Assert.Equal(episode.Setup.Agent(example.Seat).FullName, parsed.AgentName);

            Assert.True(AgentActionParser.TryParse(example.Output, out var action, out var error), error);
            var expected = turn.Action.Type is ActionType.None or ActionType.Leave ? new AgentAction(turn.Action.Type, "") : turn.Action;
            Assert.Equal(expected, action);
        }
    }

    [Fact]
    public void TheOutputIsCompactJsonWithTheActionTypeFirst()
    {
        Assert.Equal("{\"action_type\": \"speak\", \"argument\": \"Thanks, \\\"neighbour\\\":\\nsee you.\"}", SftExporter.OutputJson(Actions[4]));
        Assert.Equal("{\"action_type\": \"leave\", \"argument\": \"\"}", SftExporter.OutputJson(new AgentAction(ActionType.Leave, "bye")));
    }

    [Fact]
    public void TheBracketQuirkIsFixedByDefaultAndCanBeReproduced()
    {
        Assert.Equal("{\"action_type\": \"action\", \"argument\": \"hands over the watering can\"}", SftExporter.OutputJson(Actions[3]));
        Assert.Equal("{\"action_type\": \"action\", \"argument\": \"[action] hands over the watering can\"}", SftExporter.OutputJson(Actions[3], reproduceBracketQuirk: true));
        Assert.Equal("{\"action_type\": \"non-verbal communication\", \"argument\": \"[non-verbal communication] raises an eyebrow\"}", SftExporter.OutputJson(Actions[1], reproduceBracketQuirk: true));
        Assert.Equal(SftExporter.OutputJson(Actions[0]), SftExporter.OutputJson(Actions[0], reproduceBracketQuirk: true));

        var quirky = Build(new SftOptions { ReproduceBracketQuirk = true }, Trajectory("e-1", 1));
        Assert.Contains("[action] hands over", quirky.Examples.Single(e => e.TurnNumber == 3).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncationKeepsTheContextAndDropsTheOldestLines()
    {
        var full = Build(null, Trajectory("e-2", 1)).Examples.Last();
        var budget = TiktokenTokenEstimator.Default.EstimateTokens(full.Prompt) - 40;
        var export = Build(new SftOptions { MaxPromptTokens = budget }, Trajectory("e-2", 1));
        var last = export.Examples.Last();
        Assert.True(last.DroppedHistoryLines > 0);
        Assert.True(export.TruncatedExamples >= 1);
        Assert.Equal(export.Examples.Count(e => e.DroppedHistoryLines > 0), export.TruncatedExamples);
        Assert.True(TiktokenTokenEstimator.Default.EstimateTokens(last.Prompt) <= budget);

        var parsed = AgentPromptReader.Instance.Read(last.Prompt);
        var setup = Episodes["e-2"].Setup;
        Assert.Equal(HintTags.RenderFor(setup.Goal(1), 1).Trim(), parsed.Goal);
        Assert.Contains("Here is the context of this interaction:", last.Prompt, StringComparison.Ordinal);
        Assert.Contains(ContextRenderer.SecretInfo(setup.Agent2), last.Prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Turn #0: ", last.Prompt, StringComparison.Ordinal);
        Assert.Contains("Turn #6: ", last.Prompt, StringComparison.Ordinal);
        Assert.Equal(7, last.TurnNumber);
        Assert.Equal(7, parsed.TurnNumber);
    }

    [Fact]
    public void AReplacementTokenEstimatorIsUsed()
    {
        // The fixed part (instructions, context, headers, turn line) is 21 lines: 3 lines of history fit in 24.
        var export = Build(new SftOptions { TokenEstimator = new LineCounter(), MaxPromptTokens = 24 }, Trajectory("e-1", 0));
        Assert.All(export.Examples, e => Assert.True(e.Prompt.Split('\n').Length <= 24, $"turn {e.TurnNumber}"));
        Assert.Equal([0, 0, 1, 4], export.Examples.Select(e => e.DroppedHistoryLines));
    }

    [Theory]
    [InlineData(SftFormat.Chat)]
    [InlineData(SftFormat.Alpaca)]
    public void EveryJsonlLineIsAValidObjectOfTheFormat(SftFormat format)
    {
        var export = Build(null, Trajectory("e-1", 0), Trajectory("e-2", 1));
        var writer = new StringWriter();
        Assert.Equal(export.ExampleCount, SftExporter.WriteJsonl(export.Examples, writer, format));
        var lines = writer.ToString().Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.Equal(export.ExampleCount, lines.Length - 1);
        for (var i = 0; i < export.ExampleCount; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var root = line.RootElement;
            var example = export.Examples[i];
            if (format == SftFormat.Chat)
            {
                var messages = root.GetProperty("messages");
                Assert.Equal(2, messages.GetArrayLength());
                Assert.Equal("user", messages[0].GetProperty("role").GetString());
                Assert.Equal(example.Prompt, messages[0].GetProperty("content").GetString());
                Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
                Assert.Equal(example.Output, messages[1].GetProperty("content").GetString());
            }
            else
            {
                Assert.Equal("", root.GetProperty("instruction").GetString());
                Assert.Equal(example.Prompt, root.GetProperty("input").GetString());
                Assert.Equal(example.Output, root.GetProperty("output").GetString());
            }
        }
    }

    [Fact]
    public void ShufflingIsDeterministicPerSeed()
    {
        var trajectories = new[] { Trajectory("e-1", 0), Trajectory("e-1", 1), Trajectory("e-2", 0), Trajectory("e-2", 1) };
        static string Key(SftExample e) => $"{e.EpisodeId}/{e.TurnNumber}";
        var ordered = Build(null, trajectories).Examples.Select(Key).ToList();
        var first = Build(new SftOptions { ShuffleSeed = 5 }, trajectories).Examples.Select(Key).ToList();
        var again = Build(new SftOptions { ShuffleSeed = 5 }, trajectories).Examples.Select(Key).ToList();
        var other = Build(new SftOptions { ShuffleSeed = 6 }, trajectories).Examples.Select(Key).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(ordered, first);
        Assert.NotEqual(first, other);
        Assert.Equal(ordered.Order(), first.Order());
    }

    [Fact]
    public void ABrokenEpisodeIsNamed()
    {
        var broken = new SftEpisode(Setup(), [new Turn("bad", 0, 0, AgentAction.None), new Turn("bad", 2, 0, AgentAction.None)]);
        var error = Assert.Throws<InvalidDataException>(() => SftExporter.Build([new FilteredTrajectory("bad", "s", 0, 1, 1)], _ => broken));
        Assert.Contains("Episode 'bad', turn 2", error.Message, StringComparison.Ordinal);
    }

    private sealed class LineCounter : ITokenEstimator
    {
        public int EstimateTokens(string text) => text.Split('\n').Length;
    }
}
