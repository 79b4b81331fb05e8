using System.Text;
using SotopiaPi.Sotopia.Simulator;
using static SotopiaPi.Sotopia.Simulator.SocialMove;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class TrainablePolicyModelTests
{
    [Fact]
    public void TheBaseModelIsDeterministicNearUniformAndLeansToWeakMoves()
    {
        var a = TrainablePolicyModel.CreateBase();
        var b = TrainablePolicyModel.CreateBase();
        Assert.True(a.Weights.SequenceEqual(b.Weights));
        Assert.Equal("base", a.Label);

        var scenario = SimScripts.Scenario("bike");
        var state = ConversationState.Read(SimScripts.Prompt(scenario, 0, Greet, Greet, Share, Persuade, SmallTalk, Gesture, Propose, Share), ScenarioKind.Bargaining);
        var p = new double[SocialMoves.Count];
        a.Probabilities(state, p);
        var entropy = -p.Sum(x => x * Math.Log(x));
        Assert.True(entropy > 0.9 * Math.Log(SocialMoves.Count), $"entropy {entropy}");
        Assert.True(p.Max() < 0.15, $"max probability {p.Max()}");
        Assert.True(p[(int)SmallTalk] > p[(int)Propose]);
        Assert.True(p[(int)Gesture] > p[(int)Persuade]);

        // Basic manners only: it tends to greet first and does not walk out at once.
        var opening = ConversationState.Read(SimScripts.Prompt(scenario, 0), ScenarioKind.Bargaining);
        a.Probabilities(opening, p);
        Assert.True(p[(int)Greet] > 0.2, $"greet {p[(int)Greet]}");
        Assert.True(p[(int)Leave] < 0.01, $"leave {p[(int)Leave]}");
    }

    [Fact]
    public void SamplingIsSeededAndFollowsTheProbabilities()
    {
        var model = TrainablePolicyModel.CreateBase();
        var state = ConversationState.Read(SimScripts.Prompt(SimScripts.Scenario("bike"), 0, Greet, Greet), ScenarioKind.Bargaining);
        var first = Enumerable.Range(0, 50).Select(i => model.Sample(state, new Random(i))).ToList();
        Assert.Equal(first, Enumerable.Range(0, 50).Select(i => model.Sample(state, new Random(i))).ToList());
        var random = new Random(1);
        var counts = new int[SocialMoves.Count];
        for (var i = 0; i < 20_000; i++)
        {
            counts[(int)model.Sample(state, random)]++;
        }
        var p = new double[SocialMoves.Count];
        model.Probabilities(state, p);
        for (var m = 0; m < SocialMoves.Count; m++)
        {
            Assert.InRange(counts[m] / 20_000.0, p[m] - 0.015, p[m] + 0.015);
        }
    }

    [Fact]
    public void CheckpointsRoundTripByNameAndIgnoreWhatTheCodeNoLongerKnows()
    {
        var model = TrainablePolicyModel.CreateBase().Clone("trained");
        var gradient = new double[TrainablePolicyModel.ParameterCount];
        PolicyFeatures.TryGetId("kind=bargaining&other_last=propose", out var feature);
        gradient[(feature * SocialMoves.Count) + (int)Accept] = -3;
        model.ApplyGradientStep(gradient, 1.0, 0.0);
        Assert.Equal(3, model.Weight(feature, Accept));

        using var stream = new MemoryStream();
        model.Save(stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"kind=bargaining&other_last=propose\"", json, StringComparison.Ordinal);
        Assert.Contains("\"accept\": 3", json, StringComparison.Ordinal);
        Assert.Contains("\"label\": \"trained\"", json, StringComparison.Ordinal);

        stream.Position = 0;
        var loaded = TrainablePolicyModel.Load(stream);
        Assert.True(model.Weights.SequenceEqual(loaded.Weights));
        Assert.Equal("trained", loaded.Label);
        Assert.Equal(0, loaded.IgnoredOnLoad);

        var edited = json.Replace("\"weights\": {", "\"weights\": {\"kind=astrology\": {\"accept\": 1.5}, \"bias\": {\"juggle\": 2, \"greet\": 0.25},", StringComparison.Ordinal);
        var withUnknown = TrainablePolicyModel.Load(new MemoryStream(Encoding.UTF8.GetBytes(edited)));
        Assert.Equal(2, withUnknown.IgnoredOnLoad);
        Assert.Equal(3, withUnknown.Weight(feature, Accept));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "top level")]
    [InlineData("{\"format\":\"other\",\"format_version\":1,\"weights\":{}}", "'format'")]
    [InlineData("{\"format\":\"sotopia-pi/simulator-policy\",\"format_version\":9,\"weights\":{}}", "'format_version'")]
    [InlineData("{\"format\":\"sotopia-pi/simulator-policy\",\"format_version\":1}", "'weights'")]
    [InlineData("{\"format\":\"sotopia-pi/simulator-policy\",\"format_version\":1,\"weights\":{\"bias\":{\"greet\":\"x\"}}}", "weights.bias.greet")]
    [InlineData("{\"format\":\"sotopia-pi/simulator-policy\",\"format_version\":1,\"weights\":{\"bias\":3}}", "weights.bias")]
    public void BadCheckpointsAreRejectedNamingTheField(string content, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => TrainablePolicyModel.Load(new MemoryStream(Encoding.UTF8.GetBytes(content))));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloneIsIndependentAndGradientStepsChecktheirInput()
    {
        var original = TrainablePolicyModel.CreateBase();
        var copy = original.Clone();
        var gradient = new double[TrainablePolicyModel.ParameterCount];
        Array.Fill(gradient, 1.0);
        copy.ApplyGradientStep(gradient, 0.1, 0.01);
        Assert.True(original.Weights.SequenceEqual(TrainablePolicyModel.CreateBase().Weights));
        Assert.False(original.Weights.SequenceEqual(copy.Weights));
        Assert.Throws<ArgumentException>(() => copy.ApplyGradientStep(new double[3], 0.1, 0));
    }

    [Fact]
    public void FeaturesHaveUniqueStableNamesAndReflectWhatThePromptShows()
    {
        var names = Enumerable.Range(0, PolicyFeatures.Count).Select(PolicyFeatures.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        for (var id = 0; id < PolicyFeatures.Count; id++)
        {
            Assert.True(PolicyFeatures.TryGetId(names[id], out var back));
            Assert.Equal(id, back);
        }

        var prompt = SimScripts.Prompt(SimScripts.Scenario("bike"), 0, Greet, Greet, Ask, Share, Propose, Counter);
        var state = ConversationState.Read(prompt, ScenarioKind.Bargaining);
        Assert.Equal(ConversationPhase.Middle, state.Phase);
        Assert.Equal(Counter, state.OtherLast);
        Assert.Equal(Propose, state.OwnLast);
        Assert.True(state.Has(ConversationFlags.Asked | ConversationFlags.Proposed | ConversationFlags.OtherCountered));
        Assert.False(state.Has(ConversationFlags.Agreed));
        Assert.Equal(3, state.OwnMoves);
        Assert.Equal(1, state.OwnCount(Ask));

        var ids = new int[PolicyFeatures.MaxActive];
        var active = ids.AsSpan(0, PolicyFeatures.Extract(state, ids)).ToArray().Select(PolicyFeatures.Name).ToHashSet();
        Assert.Contains("bias", active);
        Assert.Contains("kind=bargaining&phase=middle", active);
        Assert.Contains("kind=bargaining&other_last=counter", active);
        Assert.Contains("other_last=counter&own_last=propose", active);
        Assert.Contains("kind=bargaining&flag=asked", active);
        Assert.DoesNotContain("flag=agreed", active);
        Assert.Throws<ArgumentException>(() => PolicyFeatures.Extract(state, new int[3]));

        // Seen from the other seat, the same history reads the other way round.
        var mirrored = ConversationState.Read(SimScripts.Prompt(SimScripts.Scenario("bike"), 1, Greet, Greet, Ask, Share, Propose, Counter), ScenarioKind.Bargaining);
        Assert.Equal(Propose, mirrored.OtherLast);
        Assert.Equal(Counter, mirrored.OwnLast);
        Assert.True(mirrored.Has(ConversationFlags.Shared | ConversationFlags.Proposed));
    }
}
