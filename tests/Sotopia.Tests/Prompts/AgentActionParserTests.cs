using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Tests.Prompts;

public sealed class AgentActionParserTests
{
    private static AgentAction Parse(string text)
    {
        Assert.True(AgentActionParser.TryParse(text, out var action, out var error), error);
        return action;
    }

    private static string Error(string text)
    {
        Assert.False(AgentActionParser.TryParse(text, out var action, out var error));
        Assert.Null(action);
        return error;
    }

    [Fact]
    public void APlainAnswerParses() =>
        Assert.Equal(AgentAction.Speak("Hello there"), Parse("""{"action_type": "speak", "argument": "Hello there"}"""));

    [Fact]
    public void CodeFencesAndSurroundingTextAreTolerated()
    {
        var fenced = "Sure {not json}! Here you go:\n```json\n{\n  \"argument\": \"waves {twice}\",\n  \"action_type\": \"action\"\n}\n```\nHope that helps.";
        Assert.Equal(new AgentAction(ActionType.Action, "waves {twice}"), Parse(fenced));
    }

    [Theory]
    [InlineData("SPEAK", ActionType.Speak)]
    [InlineData(" Non-Verbal Communication ", ActionType.NonVerbalCommunication)]
    [InlineData("Leave", ActionType.Leave)]
    public void TheActionTypeIsCaseInsensitive(string wire, ActionType type) =>
        Assert.Equal(type, Parse($$"""{"action_type": "{{wire}}", "argument": "x"}""").Type);

    [Fact]
    public void NoneAndLeaveNeedNoArgument()
    {
        Assert.Equal(AgentAction.None, Parse("""{"action_type": "none"}"""));
        Assert.Equal(AgentAction.Leave, Parse("""{"action_type": "leave", "argument": null}"""));
    }

    [Fact]
    public void UnknownTypesAndMissingFieldsAreRejectedClearly()
    {
        Assert.Contains("unknown action_type \"shout\"", Error("""{"action_type": "shout", "argument": "HEY"}"""), StringComparison.Ordinal);
        Assert.Contains("no \"action_type\"", Error("""{"type": "speak", "argument": "hi"}"""), StringComparison.Ordinal);
        Assert.Contains("\"argument\" is missing", Error("""{"action_type": "speak"}"""), StringComparison.Ordinal);
        Assert.Contains("\"argument\" must be a string", Error("""{"action_type": "action", "argument": 3}"""), StringComparison.Ordinal);
        Assert.Contains("\"action_type\" must be a string", Error("""{"action_type": 1, "argument": "x"}"""), StringComparison.Ordinal);
        Assert.Contains("no well-formed JSON object", Error("{'action_type': 'speak'}"), StringComparison.Ordinal);
        Assert.Contains("empty", Error("  "), StringComparison.Ordinal);
    }
}
