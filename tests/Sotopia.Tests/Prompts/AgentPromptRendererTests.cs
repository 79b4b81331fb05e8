using System.Text.Json;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Tests.Episodes;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Prompts;

public sealed class AgentPromptRendererTests
{
    private static readonly List<Turn> FullEpisode = Turns([.. Enumerable.Range(0, 21).Select(i => i % 5 == 3 ? AgentAction.None : AgentAction.Speak($"line {i}"))]);

    private static string Render(EpisodeSetup setup, int turn, PromptOptions? options = null) =>
        AgentPromptRenderer.Render(setup, EpisodeRules.ActiveSeat(turn), FullEpisode.Take(turn).ToList(), turn, options);

    private static string WithoutLastLine(string prompt) => prompt[..prompt.LastIndexOf('\n')];

    [Fact]
    public void StablePartsComeFirstThenContextThenHistoryThenTheTurn()
    {
        var prompt = Render(Setup(), 4);
        string[] inOrder =
        [
            "You will play the character Mia Davis in a role-play with one other participant.",
            "visible only to you",
            "do not repeat",
            "You may leave the conversation once your goal is achieved",
            AgentPromptRenderer.ActionSchema,
            "The available action types are: none action speak non-verbal communication leave",
            "Here is the context of this interaction:",
            "Mia Davis's goal: Get help weeding",
            "Leo Park's goal: Unknown",
            "Conversation log:",
            "Turn #0: Mia Davis said: \"line 0\"",
            "Turn #3: \n",
        ];
        var position = 0;
        foreach (var part in inOrder)
        {
            var found = prompt.IndexOf(part, position, StringComparison.Ordinal);
            Assert.True(found >= position, $"'{part}' missing or out of order");
            position = found + part.Length;
        }
        Assert.EndsWith("\nTurn #3: \nYou are at Turn #4.", prompt, StringComparison.Ordinal);
        Assert.Contains("Mia's secrets:", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Leo's secrets:", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void EachPromptOfAnAgentExtendsItsPreviousOneUpToThePerTurnLine()
    {
        var setup = Setup();
        for (var seat = 0; seat < 2; seat++)
        {
            string? previous = null;
            for (var turn = seat; turn <= 20; turn += 2)
            {
                var prompt = Render(setup, turn);
                Assert.EndsWith("\n" + AgentPromptRenderer.TurnLine(turn), prompt, StringComparison.Ordinal);
                if (previous is not null)
                {
                    var shared = WithoutLastLine(previous);
                    Assert.StartsWith(shared + "\n", prompt, StringComparison.Ordinal);
                    // Exactly the two new history lines are added between the shared prefix and the turn line.
                    var added = prompt[(shared.Length + 1)..].Split('\n');
                    Assert.Equal([HistoryRenderer.AgentLine(setup, FullEpisode[turn - 2]), HistoryRenderer.AgentLine(setup, FullEpisode[turn - 1]), AgentPromptRenderer.TurnLine(turn)], added);
                }
                previous = prompt;
            }
        }
    }

    [Fact]
    public void LineBreaksInValuesAreIndentedContinuations()
    {
        var history = Turns(AgentAction.Speak("one\ntwo"));
        var prompt = AgentPromptRenderer.Render(Setup(), 1, history, 1);
        Assert.Contains("Turn #0: Mia Davis said: \"one\n  two\"\nYou are at Turn #1.", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryMustBeTheStepsBeforeTheTurn()
    {
        var history = Turns(AgentAction.Speak("a"), AgentAction.Speak("b"));
        Assert.Throws<ArgumentException>(() => AgentPromptRenderer.Render(Setup(), 0, history, 3));
        Assert.Throws<ArgumentException>(() => AgentPromptRenderer.Render(Setup(), 0, [history[1], history[0]], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgentPromptRenderer.Render(Setup(), 2, history, 2));
    }

    [Fact]
    public void TruncationDropsTheOldestHistoryLinesAndKeepsEverythingElse()
    {
        var setup = Setup();
        var full = AgentPromptRenderer.Build(setup, 0, FullEpisode.Take(20).ToList(), 20);
        Assert.False(full.Truncated);
        Assert.Equal(20, full.HistoryLines);
        Assert.Equal(TiktokenTokenEstimator.Default.EstimateTokens(full.Text), full.EstimatedTokens);

        var budget = full.EstimatedTokens - 20; // a little under: a few lines must go
        var cut = AgentPromptRenderer.Build(setup, 0, FullEpisode.Take(20).ToList(), 20, new PromptOptions { MaxPromptTokens = budget });
        Assert.True(cut.Truncated);
        Assert.True(cut.EstimatedTokens <= budget);
        Assert.Equal(TiktokenTokenEstimator.Default.EstimateTokens(cut.Text), cut.EstimatedTokens);
        Assert.Equal(20, cut.HistoryLines + cut.DroppedHistoryLines);
        var oneLineMore = AgentPromptRenderer.Build(setup, 0, FullEpisode.Take(20).ToList(), 20, new PromptOptions { MaxPromptTokens = cut.EstimatedTokens - 1 });
        Assert.Equal(cut.DroppedHistoryLines + 1, oneLineMore.DroppedHistoryLines); // the fewest lines are dropped
        Assert.DoesNotContain("Turn #0: ", cut.Text, StringComparison.Ordinal);
        Assert.Contains("Turn #19: Leo Park said: \"line 19\"", cut.Text, StringComparison.Ordinal);
        Assert.StartsWith(WithoutLastLine(AgentPromptRenderer.Render(setup, 0, [], 0)) + "\n", cut.Text, StringComparison.Ordinal);
        Assert.EndsWith("You are at Turn #20.", cut.Text, StringComparison.Ordinal);

        var nothingFits = AgentPromptRenderer.Build(setup, 0, FullEpisode.Take(20).ToList(), 20, new PromptOptions { MaxPromptTokens = 10 });
        Assert.Equal(0, nothingFits.HistoryLines);
        Assert.Contains(InteractionContext.Header, nothingFits.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheActionSchemaListsTheFiveWireNames()
    {
        using var schema = JsonDocument.Parse(AgentPromptRenderer.ActionSchema);
        var names = schema.RootElement.GetProperty("properties").GetProperty("action_type").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["none", "speak", "non-verbal communication", "action", "leave"], names);
        Assert.Equal(["action_type", "argument"], schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain('\n', AgentPromptRenderer.ActionSchema);
    }

    [Fact]
    public void NoOriginalScenarioLeaksTheOthersGoalIntoAPrompt()
    {
        foreach (var setup in OriginalData.Setups.Where((_, i) => i % 9 == 0))
        {
            for (var seat = 0; seat < 2; seat++)
            {
                var prompt = AgentPromptRenderer.Render(setup, seat, [], 0);
                var otherGoal = HintTags.Render(setup.Goal(1 - seat)).Trim();
                if (otherGoal != HintTags.Render(setup.Goal(seat)).Trim())
                {
                    Assert.DoesNotContain(otherGoal, prompt, StringComparison.Ordinal);
                }
            }
        }
    }
}
