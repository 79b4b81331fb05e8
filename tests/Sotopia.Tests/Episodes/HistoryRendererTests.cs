using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Episodes;

public sealed class HistoryRendererTests
{
    [Fact]
    public void AgentLinesNameTheActorAndLeaveNoneStepsEmpty()
    {
        var lines = HistoryRenderer.AgentLines(Setup(), Turns(AgentAction.Speak("Hi"), AgentAction.None, new AgentAction(ActionType.Action, "waves")));
        Assert.Equal(["Turn #0: Mia Davis said: \"Hi\"", "Turn #1: ", "Turn #2: Mia Davis [action] waves"], lines);
    }

    [Fact]
    public void TheJudgeTranscriptHasTheEnvironmentViewAndNoDidNothingLines()
    {
        var setup = Setup();
        var transcript = HistoryRenderer.JudgeTranscript(setup, Turns(AgentAction.Speak("Hi"), AgentAction.None, AgentAction.Speak("Bye"), AgentAction.Leave));
        var expected = ContextRenderer.ForEnvironment(setup).ToText() + "\n" +
            """
            Turn #1
            Mia Davis said: "Hi"
            Turn #2
            Turn #3
            Mia Davis said: "Bye"
            Turn #4
            Leo Park left the conversation
            """.ReplaceLineEndings("\n");
        Assert.Equal(expected, transcript);
        Assert.DoesNotContain("did nothing", transcript, StringComparison.Ordinal);
        Assert.Contains("Mia's secrets:", transcript, StringComparison.Ordinal);
        Assert.Contains("Leo's secrets:", transcript, StringComparison.Ordinal);
    }
}
