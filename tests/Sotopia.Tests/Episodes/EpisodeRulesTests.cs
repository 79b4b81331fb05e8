using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Episodes;

public sealed class EpisodeRulesTests
{
    private static readonly AgentAction Hi = AgentAction.Speak("hi");

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 0)]
    [InlineData(19, 1)]
    [InlineData(20, 0)]
    public void ActiveSeatIsRoundRobinStartingWithSeatZero(int turn, int seat) =>
        Assert.Equal(seat, EpisodeRules.ActiveSeat(turn));

    [Fact]
    public void ActiveSeatRejectsNegativeTurns() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeRules.ActiveSeat(-1));

    [Fact]
    public void NoTurnsDoNotTerminate() => Assert.Null(EpisodeRules.CheckTermination([]));

    [Fact]
    public void TwentyOneStepsAreAllowedAndTheTwentySecondNever()
    {
        var turns = Turns([.. Enumerable.Repeat(Hi, 20)]);
        Assert.Null(EpisodeRules.CheckTermination(turns));

        turns.Add(new Turn("e-1", 20, 0, Hi));
        Assert.Equal(TerminationReason.TooLong, EpisodeRules.CheckTermination(turns));
    }

    [Fact]
    public void LeavingByEitherSeatTerminatesWithThatSeat()
    {
        Assert.Equal(TerminationReason.Agent1Left, EpisodeRules.CheckTermination(Turns(AgentAction.Leave)));
        Assert.Equal(TerminationReason.Agent2Left, EpisodeRules.CheckTermination(Turns(Hi, Hi, Hi, AgentAction.Leave)));
    }

    [Fact]
    public void ALeaveInAnEarlierStepIsNotReconsidered() =>
        // Only the step just stored is checked, like the original evaluator.
        Assert.Null(EpisodeRules.CheckTermination([new Turn("e-1", 0, 0, AgentAction.Leave), new Turn("e-1", 1, 1, Hi)]));

    [Fact]
    public void ASingleNoneByAgent2RightAfterAgent1SpokeTerminates() =>
        // Inbox: A said, B none(forced) | A none(forced), B none → three trailing nones.
        Assert.Equal(TerminationReason.Stale, EpisodeRules.CheckTermination(Turns(Hi, AgentAction.None)));

    [Fact]
    public void ASingleNoneByAgent1RightAfterAgent2SpokeDoesNot()
    {
        // Inbox: … A none(forced), B said | A none, B none(forced) → two trailing nones.
        var turns = Turns(Hi, Hi, AgentAction.None);
        Assert.Equal(2, EpisodeRules.CountTrailingNones(turns));
        Assert.Null(EpisodeRules.CheckTermination(turns));
        // …and the conversation goes on if agent 2 speaks again.
        Assert.Null(EpisodeRules.CheckTermination(Turns(Hi, Hi, AgentAction.None, Hi)));
    }

    [Fact]
    public void ANoneByAgent1AtTheFirstStepDoesNotTerminate() =>
        Assert.Null(EpisodeRules.CheckTermination(Turns(AgentAction.None)));

    [Fact]
    public void TwoConsecutiveActiveNonesAlwaysTerminate()
    {
        Assert.Equal(TerminationReason.Stale, EpisodeRules.CheckTermination(Turns(Hi, Hi, AgentAction.None, AgentAction.None)));
        Assert.Equal(TerminationReason.Stale, EpisodeRules.CheckTermination(Turns(Hi, AgentAction.None, AgentAction.None)));
        Assert.Equal(4, EpisodeRules.CountTrailingNones(Turns(Hi, Hi, AgentAction.None, AgentAction.None)));
    }

    [Fact]
    public void NonVerbalAndActionAreNotNone() =>
        Assert.Null(EpisodeRules.CheckTermination(Turns(Hi, new AgentAction(ActionType.Action, "waves"), AgentAction.None)));

    [Fact]
    public void TooLongTakesPrecedenceOverLeave()
    {
        var turns = Turns([.. Enumerable.Repeat(Hi, 20), AgentAction.Leave]);
        Assert.Equal(TerminationReason.TooLong, EpisodeRules.CheckTermination(turns));
    }

    [Fact]
    public void TooLongTakesPrecedenceOverStale()
    {
        var turns = Turns([.. Enumerable.Repeat(Hi, 19), AgentAction.None, AgentAction.None]);
        Assert.True(EpisodeRules.CountTrailingNones(turns) > EpisodeRules.MaxStaleTurns);
        Assert.Equal(TerminationReason.TooLong, EpisodeRules.CheckTermination(turns));
    }

    [Fact]
    public void CustomLimitsAreHonoured()
    {
        Assert.Equal(TerminationReason.TooLong, EpisodeRules.CheckTermination(Turns(Hi, Hi, Hi), maxTurnNumber: 2, maxStaleTurns: 2));
        Assert.Null(EpisodeRules.CheckTermination(Turns(Hi, AgentAction.None), maxTurnNumber: 20, maxStaleTurns: 3));
    }

    [Fact]
    public void ReasonsAreDescribedInTheOriginalWords()
    {
        Assert.Equal("conversation too long", EpisodeRules.Describe(TerminationReason.TooLong));
        Assert.Equal("Agent 2 is leaving", EpisodeRules.Describe(TerminationReason.Agent2Left));
        Assert.Equal("conversation stale", EpisodeRules.Describe(TerminationReason.Stale));
    }
}
