using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class TaskTextTests
{
    [Theory]
    [InlineData("Convince your friend to donate more funds to the cause", "Convince you to donate more funds to the cause")]
    [InlineData("Confess to your friend that you have been involved with their long-term partner", "Confess to you that I have been involved with your long-term partner")]
    [InlineData("Help your friend with their financial trouble", "Help you with your financial trouble")]
    [InlineData("Prevent the other person from using your stuff", "Prevent you from using my stuff")]
    [InlineData("You are the buyer for this item", "I am the buyer for this item")]
    [InlineData("your friend has seemed distant", "you have seemed distant")]
    [InlineData("you hid it for long and you would like to share it", "I hid it for long and I would like to share it")]
    [InlineData("their noise is distracting you", "your noise is distracting me")]
    [InlineData("a plan for both of you", "a plan for both of us")]
    [InlineData("Persuade your roommate to join you for morning runs", "Persuade you to join me for morning runs")]
    public void GoalsAreRewrittenInTheAgentsOwnVoice(string goal, string expected)
    {
        Assert.Equal(expected, SimulatorText.ToFirstPerson(goal));
    }

    [Fact]
    public void HintTagsAreStrippedAndTheGoalIsSplitIntoAimAndPrivateDetail()
    {
        var task = TaskText.Create(
            "Two friends are camping <p viewer=\"environment\">hidden note</p> in the wild.",
            "Share the only blanket available (<extra_info>Extra information: you are extremely cold. <strategy_hint>Hint: stress the benefit of sharing.</strategy_hint></extra_info>)");
        Assert.Equal("I'd like to share the only blanket available", task.AimSentence);
        Assert.Equal("share the only blanket available", task.AimVerbPhrase);
        Assert.Equal("I am extremely cold", task.PrivateDetail);
        Assert.Equal("the blanket", task.Stake);
        Assert.Equal(ScenarioKind.Splitting, task.Kind);
    }

    [Fact]
    public void BargainingGoalsYieldPriceRoleAndItem()
    {
        var task = TaskText.Create(
            "One person is offering an Antique Chair for $15.0, while another person is interested in purchasing it.",
            "You are the seller for this item and your target price is $8. If you sell it for less, you will be penalized.");
        Assert.Equal(8m, task.TargetPrice);
        Assert.Equal(PriceRole.Seller, task.Role);
        Assert.Equal("the Antique Chair", task.Stake);
        Assert.Equal(ScenarioKind.Bargaining, task.Kind);
        Assert.Equal("$17.30", TaskText.FormatPrice(17.3m));
        Assert.Equal("$418", TaskText.FormatPrice(418.0m));
    }

    [Fact]
    public void EmptyTextsStillGiveSomethingToSay()
    {
        var task = TaskText.Create(null, null);
        Assert.Equal(ScenarioKind.Other, task.Kind);
        Assert.False(string.IsNullOrEmpty(task.AimSentence));
        Assert.Equal("this", task.Stake);
        Assert.Null(task.PrivateDetail);
    }
}
