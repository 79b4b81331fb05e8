using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Tests.Episodes;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Prompts;

public sealed class AgentPromptReaderTests
{
    private static readonly AgentPromptReader Reader = AgentPromptReader.Instance;

    /// <summary>Renders the prompt of <paramref name="seat"/> after <paramref name="actions"/>, reads it back and
    /// checks every part against what was rendered.</summary>
    private static void AssertRoundTrip(EpisodeSetup setup, int seat, AgentAction[] actions, PromptOptions? options = null)
    {
        var turns = Turns(actions);
        var rendered = AgentPromptRenderer.Build(setup, seat, turns, turns.Count, options);
        var parsed = Reader.Read(rendered.Text);
        var context = ContextRenderer.ForSeat(setup, seat);
        var where = $"task {setup.Task.Id}, seat {seat}";

        Assert.True(setup.Agent(seat).FullName == parsed.AgentName, $"{where}: agent name");
        Assert.True(setup.Other(seat).FullName == parsed.OtherName, $"{where}: other name");
        Assert.True(context.Scenario == parsed.Scenario, $"{where}: scenario '{parsed.Scenario}'");
        Assert.True((seat == 0 ? context.Goal1 : context.Goal2) == parsed.Goal, $"{where}: goal '{parsed.Goal}'");
        Assert.True(turns.Count == parsed.TurnNumber, $"{where}: turn number");
        var expected = turns.Skip(rendered.DroppedHistoryLines)
            .Where(t => t.Action.Type != ActionType.None)
            .Select(t => new ParsedHistoryEntry(t.Number, setup.Agent(t.Seat).FullName, t.Action))
            .ToList();
        Assert.Equal(expected, parsed.History);
    }

    [Fact]
    public void EveryOriginalTaskRoundTripsForBothSeatsWithEveryActionType()
    {
        var history = Tricky.Concat([AgentAction.Leave]).ToArray(); // 10 steps: next is seat 0
        Assert.Equal(450, OriginalData.Setups.Count);
        Assert.Equal(90, OriginalData.Setups.Select(s => s.Scenario.Id).Distinct().Count());
        foreach (var setup in OriginalData.Setups)
        {
            AssertRoundTrip(setup, 0, history);
            AssertRoundTrip(setup, 1, Tricky); // 9 steps: next is seat 1
        }
    }

    [Fact]
    public void NamesWithSpacesAndAnEmptyHistoryRoundTrip()
    {
        AssertRoundTrip(SpacedNames(), 0, []);
        AssertRoundTrip(SpacedNames(RelationshipType.Stranger), 1, Tricky);
        var parsed = Reader.Read(AgentPromptRenderer.Render(SpacedNames(), 1, Turns(Tricky), 9));
        Assert.Equal("Jean Luc Van Damme", parsed.AgentName);
        Assert.Equal("Mary Ann de la Cruz", parsed.OtherName);
        Assert.Equal(new ParsedHistoryEntry(3, "Jean Luc Van Damme", Tricky[3]), parsed.History[2]);
    }

    [Fact]
    public void NoneStepsAreNotListed()
    {
        var parsed = Reader.Read(AgentPromptRenderer.Render(Setup(), 1, Turns(AgentAction.Speak("a"), AgentAction.None, AgentAction.Speak("b")), 3));
        Assert.Equal([0, 2], parsed.History.Select(h => h.Turn));
    }

    [Fact]
    public void TruncatedPromptsReadBackWithTheLinesTheyKept()
    {
        var setup = Setup();
        var turns = Turns([.. Enumerable.Range(0, 20).Select(i => AgentAction.Speak($"utterance number {i}, with a colon: here"))]);
        var full = AgentPromptRenderer.Build(setup, 0, turns, 20);
        var options = new PromptOptions { MaxPromptTokens = full.EstimatedTokens - 60 };
        var cut = AgentPromptRenderer.Build(setup, 0, turns, 20, options);
        Assert.True(cut.DroppedHistoryLines > 1);

        var parsed = Reader.Read(cut.Text);
        Assert.Equal(20, parsed.TurnNumber);
        Assert.Equal(cut.HistoryLines, parsed.History.Length);
        Assert.Equal(cut.DroppedHistoryLines, parsed.History[0].Turn);
        AssertRoundTrip(setup, 0, [.. turns.Select(t => t.Action)], options);
    }

    [Fact]
    public void TextAroundThePromptIsIgnored()
    {
        var prompt = AgentPromptRenderer.Render(Setup(), 0, Turns(AgentAction.Speak("x"), AgentAction.Speak("y")), 2);
        var parsed = Reader.Read("[INST] " + prompt + " [/INST]");
        Assert.Equal("Mia Davis", parsed.AgentName);
        Assert.Equal(2, parsed.TurnNumber);
        Assert.Equal(2, parsed.History.Length);
    }

    [Theory]
    [InlineData("You will play the character", "naming the agent")]
    [InlineData("Here is the context of this interaction:", "context block")]
    [InlineData("Scenario: ", "scenario line")]
    [InlineData("Participants: ", "participants line")]
    [InlineData("Mia Davis's goal: ", "goal line")]
    [InlineData("Conversation log:", "history section")]
    [InlineData("You are at Turn #", "turn line")]
    public void AMissingPartIsNamed(string removed, string named)
    {
        var prompt = AgentPromptRenderer.Render(Setup(), 0, Turns(AgentAction.Speak("x"), AgentAction.Speak("y")), 2);
        var broken = prompt.Replace(removed, "Something else entirely ", StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => Reader.Read(broken));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadableHistoryLineIsReported()
    {
        var prompt = AgentPromptRenderer.Render(Setup(), 0, Turns(AgentAction.Speak("x"), AgentAction.Speak("y")), 2);
        var error = Assert.Throws<FormatException>(() => Reader.Read(prompt.Replace("Turn #1: Leo Park said", "Turn #1: Somebody said", StringComparison.Ordinal)));
        Assert.Contains("turn 1", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<FormatException>(() => Reader.Read(prompt.Replace("Turn #1: ", "Step 1: ", StringComparison.Ordinal)));
        Assert.Contains("not 'Turn #k", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<FormatException>(() => Reader.Read(prompt.Replace("Turn #1: ", "Turn #1x: ", StringComparison.Ordinal)));
        Assert.Contains("not 'Turn #k", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<FormatException>(() => Reader.Read(prompt.Replace("Turn #1: ", "Turn #: ", StringComparison.Ordinal)));
        Assert.Contains("not 'Turn #k", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<FormatException>(() => Reader.Read(prompt.Replace("Turn #1: ", "Turn #0: ", StringComparison.Ordinal)));
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsWithColonsQuotesAndBracketsReadBackExactly()
    {
        var actions = new[]
        {
            AgentAction.Speak("Turn #3: \"quoted\" — and: more"),
            new AgentAction(ActionType.NonVerbalCommunication, "[action] nods: twice"),
            new AgentAction(ActionType.Action, ""),
            AgentAction.Speak("two\nlines"),
        };
        var prompt = AgentPromptRenderer.Render(Setup(), 0, Turns(actions), actions.Length);
        var parsed = Reader.Read(prompt);
        Assert.Equal(actions, parsed.History.Select(h => h.Action));
    }

    [Fact]
    public void MultiLineScenarioAndGoalReadBackExactly()
    {
        var setup = Setup();
        var scenario = setup.Scenario with
        {
            Text = "Two neighbours meet.\n  Indented second line.\nThird: line",
            Goals = ["Get help\nwith the weeding", setup.Scenario.Goals[1]],
        };
        setup = setup with { Scenario = scenario };
        var parsed = Reader.Read(AgentPromptRenderer.Render(setup, 0, Turns(AgentAction.Speak("a\nb")), 1));
        Assert.Equal(scenario.Text, parsed.Scenario);
        Assert.Equal("Get help\nwith the weeding", parsed.Goal);
        Assert.Equal(AgentAction.Speak("a\nb"), Assert.Single(parsed.History).Action);
    }
}
