using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Episodes;

public sealed class ActionRendererTests
{
    [Fact]
    public void EveryActionTypeRendersAsInSotopia()
    {
        Assert.Equal("did nothing", ActionRenderer.Render(AgentAction.None));
        Assert.Equal("said: \"Hi \"there\"\"", ActionRenderer.Render(AgentAction.Speak("Hi \"there\"")));
        Assert.Equal("[non-verbal communication] smiles", ActionRenderer.Render(new AgentAction(ActionType.NonVerbalCommunication, "smiles")));
        Assert.Equal("[action] opens the door", ActionRenderer.Render(new AgentAction(ActionType.Action, "opens the door")));
        Assert.Equal("left the conversation", ActionRenderer.Render(new AgentAction(ActionType.Leave, "bye")));
    }

    [Fact]
    public void ALineIsTheNameFollowedByTheRendering() =>
        Assert.Equal("Mia Davis said: \"Hi\"", ActionRenderer.Line("Mia Davis", AgentAction.Speak("Hi")));

    [Fact]
    public void HintTagsKeepTheirTextAndLoseTheirMarkup()
    {
        var text = "Win (<extra_info>Extra information: books are 5 points.</extra_info>) <strategy_hint>Hint: be kind</strategy_hint><clarification_hint>Hint: no lending</clarification_hint>";
        Assert.Equal("Win (Extra information: books are 5 points.) Hint: be kindHint: no lending", HintTags.Render(text));
        Assert.Equal(HintTags.Render(text), HintTags.RenderFor(text, 1));
    }

    [Fact]
    public void EnvironmentOnlyBlocksAreHiddenFromAgents()
    {
        var text = "Two strangers meet. <p viewer=\"environment\">They share a friend: Ann.</p> Then <p viewer='agent_1'>only B knows.</p>";
        Assert.Equal("Two strangers meet. They share a friend: Ann. Then only B knows.", HintTags.Render(text));
        Assert.Equal("Two strangers meet.  Then ", HintTags.RenderFor(text, 0));
        Assert.Equal("Two strangers meet.  Then only B knows.", HintTags.RenderFor(text, 1));
    }

    [Fact]
    public void OtherAngleBracketsAreLeftAlone() =>
        Assert.Equal("I <3 tea & <b>cake</b>", HintTags.Render("I <3 tea & <b>cake</b>"));
}
