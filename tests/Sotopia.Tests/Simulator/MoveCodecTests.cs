using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class MoveCodecTests
{
    private static readonly (string Own, string Other)[] NamePairs =
    [
        ("Amara Okafor", "Bruno Silva"), ("Zoe", "Li"), ("Mary-Jane O'Neil", "Hi Ho"), ("Deal Maker", "Listen Well"),
    ];

    public static IEnumerable<object[]> Moves() => SocialMoves.All.Select(m => new object[] { m });

    [Theory]
    [MemberData(nameof(Moves))]
    public void EveryVariantOfEveryMoveClassifiesBackToItsMoveOnEveryScenario(SocialMove move)
    {
        var checkedLines = 0;
        foreach (var task in AllTasks())
        {
            foreach (var (own, other) in NamePairs)
            {
                var context = new MoveRenderContext(own, other, task);
                for (var variant = 0; variant < MoveCodec.VariantCount(move); variant++)
                {
                    var action = MoveCodec.Render(move, context, variant);
                    Assert.Equal(move.ActionTypeOf(), action.Type);
                    Assert.True(move == MoveCodec.Classify(action), $"'{action.Argument}' classified as {MoveCodec.Classify(action)}, expected {move}.");
                    checkedLines++;
                }
            }
        }
        Assert.True(checkedLines >= 3 * 4 * 240 || move is SocialMove.Idle or SocialMove.Leave, $"only {checkedLines} lines checked");
    }

    [Fact]
    public void RenderedLinesAreCleanNaturalText()
    {
        foreach (var task in AllTasks())
        {
            var context = new MoveRenderContext("Amara Okafor", "Bruno Silva", task);
            foreach (var move in SocialMoves.All)
            {
                for (var variant = 0; variant < MoveCodec.VariantCount(move); variant++)
                {
                    var text = MoveCodec.Render(move, context, variant).Argument;
                    if (move is SocialMove.Idle or SocialMove.Leave)
                    {
                        Assert.Equal("", text);
                        continue;
                    }
                    Assert.False(string.IsNullOrWhiteSpace(text));
                    Assert.DoesNotContain('<', text);
                    Assert.DoesNotContain("extra_info", text, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("Extra information", text, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("Hint:", text, StringComparison.Ordinal);
                    Assert.DoesNotContain("  ", text, StringComparison.Ordinal);
                    Assert.True(text.All(c => c >= ' '), $"control character in '{text}'");
                    Assert.True(text.Length <= 400, $"too long: '{text}'");
                }
            }
        }
    }

    [Fact]
    public void LinesUseTheNamesAndTheTasksOwnWords()
    {
        var task = TaskText.Create(
            "Two old friends are having coffee; one of them is short of money this month.",
            "Borrow $500 from your friend <extra_info>Extra information: your rent is due in a week.</extra_info>");
        var context = new MoveRenderContext("Amara Okafor", "Bruno Silva", task);

        Assert.Contains("Bruno", MoveCodec.Render(SocialMove.Greet, context, 0).Argument, StringComparison.Ordinal);
        Assert.DoesNotContain("Silva", MoveCodec.Render(SocialMove.Greet, context, 0).Argument, StringComparison.Ordinal);
        Assert.Contains("borrow $500 from you", MoveCodec.Render(SocialMove.Share, context, 0).Argument, StringComparison.Ordinal);
        Assert.Contains("my rent is due in a week", MoveCodec.Render(SocialMove.Overshare, context, 0).Argument, StringComparison.Ordinal);
    }

    [Fact]
    public void BargainingOffersNameThePriceAndTheItem()
    {
        var scenario = "One person is selling a used road bike for $400, and another person wants to buy it.";
        var buyer = TaskText.Create(scenario, "You are the buyer for this item and your target price is $300.");
        var seller = TaskText.Create(scenario, "You are the seller for this item and your target price is $380.");

        Assert.Equal("Here's what I propose, Bruno: I pay $300 for the used road bike.",
            MoveCodec.Render(SocialMove.Propose, new MoveRenderContext("Amara Okafor", "Bruno Silva", buyer), 0).Argument);
        Assert.Equal("Here's what I propose, Amara: you take the used road bike for $380.",
            MoveCodec.Render(SocialMove.Propose, new MoveRenderContext("Bruno Silva", "Amara Okafor", seller), 0).Argument);
        Assert.Contains("$276", MoveCodec.Render(SocialMove.Counter, new MoveRenderContext("A B", "C D", buyer), 1).Argument, StringComparison.Ordinal);
    }

    [Fact]
    public void EachSpokenMoveHasSeveralDistinctVariants()
    {
        var context = new MoveRenderContext("Amara Okafor", "Bruno Silva", TaskText.Create("Two friends meet.", "Catch up with your friend"));
        foreach (var move in SocialMoves.All.Where(m => m is not (SocialMove.Idle or SocialMove.Leave)))
        {
            var lines = Enumerable.Range(0, MoveCodec.VariantCount(move)).Select(v => MoveCodec.Render(move, context, v).Argument).ToHashSet();
            Assert.True(lines.Count >= 3, $"{move} has {lines.Count} distinct lines");
        }
    }

    [Fact]
    public void RandomVariantChoiceIsSeeded()
    {
        var context = new MoveRenderContext("Amara Okafor", "Bruno Silva", TaskText.Create("Two friends meet.", "Catch up"));
        var first = Enumerable.Range(0, 20).Select(i => MoveCodec.Render(SocialMove.Ask, context, new Random(i)).Argument).ToList();
        var second = Enumerable.Range(0, 20).Select(i => MoveCodec.Render(SocialMove.Ask, context, new Random(i)).Argument).ToList();
        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 1);
    }

    [Theory]
    [InlineData("Hello there! Lovely to meet you.", SocialMove.Greet)]
    [InlineData("I can offer you $350 for it, would you take that?", SocialMove.Propose)]
    [InlineData("No way, that's far too low.", SocialMove.Refuse)]
    [InlineData("I understand, that must be really difficult for you.", SocialMove.Empathise)]
    [InlineData("Deal! Let's shake on it.", SocialMove.Accept)]
    [InlineData("Sounds good, I agree.", SocialMove.Accept)]
    [InlineData("You'd better pay up or else I'll report you.", SocialMove.Pressure)]
    [InlineData("Honestly, I've never told anyone, but this is my secret.", SocialMove.Overshare)]
    [InlineData("What do you think we should do about the car?", SocialMove.Ask)]
    [InlineData("Fair enough, I'm willing to meet you halfway.", SocialMove.Concede)]
    [InlineData("Think about how much good this donation would do, because it helps kids.", SocialMove.Persuade)]
    [InlineData("Lovely weather this weekend, isn't it?", SocialMove.SmallTalk)]
    [InlineData("qwerty zxcv", SocialMove.SmallTalk)]
    [InlineData("\"  \"", SocialMove.Idle)]
    public void FreeTextGetsABestEffortMove(string text, SocialMove expected)
    {
        Assert.Equal(expected, MoveCodec.Classify(AgentAction.Speak(text)));
    }

    [Fact]
    public void ActionTypesDecideTheNonSpokenMovesAndNothingThrows()
    {
        Assert.Equal(SocialMove.Idle, MoveCodec.Classify(AgentAction.None));
        Assert.Equal(SocialMove.Leave, MoveCodec.Classify(AgentAction.Leave));
        Assert.Equal(SocialMove.Gesture, MoveCodec.Classify(new AgentAction(ActionType.NonVerbalCommunication, "[non-verbal communication] waves")));
        Assert.Equal(SocialMove.PhysicalAct, MoveCodec.Classify(new AgentAction(ActionType.Action, "[action] [action] opens the door")));
        Assert.Equal(SocialMove.Idle, MoveCodec.Classify(null));
        Assert.Equal(SocialMove.Idle, MoveCodec.Classify(new AgentAction(ActionType.Speak, null!)));
        Assert.Equal(SocialMove.Idle, MoveCodec.Classify(new AgentAction((ActionType)99, "")));
        Assert.Equal(SocialMove.Propose, MoveCodec.Classify(AgentAction.Speak("[speak] \"How about this: we split it?\"")));
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var chars = Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(0, 0x3000)).ToArray();
            var move = MoveCodec.Classify(AgentAction.Speak(new string(chars)));
            Assert.True(Enum.IsDefined(move));
        }
    }

    [Fact]
    public void MoveNamesAreStableAndParse()
    {
        Assert.Equal(SocialMoves.Count, SocialMoves.All.Length);
        Assert.Equal(SocialMoves.Count, SocialMoves.All.Select(m => m.Name()).Distinct().Count());
        Assert.Equal("small_talk", SocialMove.SmallTalk.Name());
        foreach (var move in SocialMoves.All)
        {
            Assert.True(SocialMoves.TryParse(move.Name().ToUpperInvariant(), out var parsed));
            Assert.Equal(move, parsed);
        }
        Assert.False(SocialMoves.TryParse("dance", out _));
    }

    private static IEnumerable<TaskText> AllTasks()
    {
        foreach (var scenario in SyntheticScenarios.All.Concat(SotopiaDataFiles.OriginalScenarios()))
        {
            yield return TaskText.Create(SimEpisodeLoop.RenderHints(scenario.Text), SimEpisodeLoop.RenderHints(scenario.Goal0));
            yield return TaskText.Create(scenario.Text, scenario.Goal1);
        }
    }
}
