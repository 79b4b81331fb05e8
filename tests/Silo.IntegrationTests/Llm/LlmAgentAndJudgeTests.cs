using System.Collections.Immutable;
using System.Text.Json.Nodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>The LLM agent and judge through the gateway and the fake server: answers in every shape a model gives
/// (structured, code-fenced, malformed, unknown action types, out-of-range scores), the one repair call, and the
/// recorded fallbacks (a <c>none</c> turn with its reason; an evaluation failure, never zeros).</summary>
public sealed class LlmAgentAndJudgeTests
{
    private const string EpisodeId = "e-test";

    [Fact]
    public async Task AStructuredAnswerBecomesTheActionWithItsUsage()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(new FakeOpenAiReply { Content = """{"action_type":"speak","argument":"Could we split it?"}""", PromptTokens = 900, CompletionTokens = 14, CachedTokens = 768 });
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));
        var policy = new LlmAgentPolicy(gateway, AgentRoles.Policy, "sotopia-pi-v1");

        var decision = await policy.DecideAsync(Request(turn: 2));

        Assert.Equal(AgentAction.Speak("Could we split it?"), decision.Action);
        Assert.Null(decision.Note);
        Assert.Equal((900, 14, 768, "sotopia-pi-v1"), (decision.Usage!.PromptTokens, decision.Usage.CompletionTokens, decision.Usage.CachedTokens, decision.Usage.Model));
        var request = Assert.Single(server.Requests);
        Assert.Equal("sotopia-pi-v1", request.Model);
        Assert.Equal(1.0, request.Temperature);
        Assert.Equal("sotopia_action", request.SchemaName);
        Assert.Equal(Request(turn: 2).Prompt, request.Prompt);
    }

    [Fact]
    public async Task ACodeFencedPlainJsonAnswerIsRead()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Answer("Sure.\n```json\n{\"action_type\": \"non-verbal communication\", \"argument\": \"nods slowly\"}\n```"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var decision = await new LlmAgentPolicy(gateway, AgentRoles.Partner, "gpt-4o-mini").DecideAsync(Request());

        Assert.Equal(new AgentAction(ActionType.NonVerbalCommunication, "nods slowly"), decision.Action);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("I would say hello to them.", "no well-formed JSON object")]
    [InlineData("""{"action_type": "shout", "argument": "Hey!"}""", "unknown action_type \"shout\"")]
    [InlineData("""{"action_type": "speak"}""", "\"argument\" is missing")]
    public async Task AMalformedAnswerGetsOneRepairCall(string bad, string error)
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(
            new FakeOpenAiReply { Content = bad, PromptTokens = 100, CompletionTokens = 10 },
            new FakeOpenAiReply { Content = """{"action_type":"speak","argument":"Hey!"}""", PromptTokens = 50, CompletionTokens = 8 });
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var decision = await new LlmAgentPolicy(gateway, AgentRoles.Expert, "gpt-4.1").DecideAsync(Request());

        Assert.Equal(AgentAction.Speak("Hey!"), decision.Action);
        Assert.Contains(error, decision.Note);
        Assert.Equal((150, 18), (decision.Usage!.PromptTokens, decision.Usage.CompletionTokens));
        var repair = server.Requests[1];
        Assert.Contains(bad, repair.Prompt);
        Assert.Contains(error, repair.Prompt);
        Assert.Equal(0.0, repair.Temperature);
        Assert.Equal("sotopia_action", repair.SchemaName);
    }

    [Fact]
    public async Task AnAnswerStillMalformedAfterRepairBecomesNoneWithTheReason()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Answer("""{"action_type": "dance", "argument": "a jig"}"""));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var decision = await new LlmAgentPolicy(gateway, AgentRoles.Partner, "gpt-4o-mini").DecideAsync(Request());

        Assert.Equal(AgentAction.None, decision.Action);
        Assert.StartsWith("unparseable answer after one repair: unknown action_type \"dance\"", decision.Note);
        Assert.Equal(2, server.Requests.Count);
        Assert.NotNull(decision.Usage);
    }

    [Fact]
    public async Task AnEndpointThatFailsForGoodFailsTheTurn()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(503, "overloaded", ("retry-after-ms", "1")));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, maxAttempts: 2));

        var error = await Assert.ThrowsAsync<LlmCallException>(async () => await new LlmAgentPolicy(gateway, AgentRoles.Partner, "gpt-4o-mini").DecideAsync(Request()));

        Assert.Contains("gave up after 2 attempts", error.Message);
    }

    [Fact]
    public async Task TheProviderCallsThePinnedModelOfTheBinding()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));
        var provider = new LlmPolicyProvider(gateway);

        var v3 = await provider.ResolveAsync(new SeatBinding(AgentRoles.Policy, "sotopia-pi", 3, "ft:gpt-4.1-nano:sotopia::v3"));
        var partner = await provider.ResolveAsync(new SeatBinding(AgentRoles.Partner, AgentRoles.Partner, 0, ""));
        await v3.DecideAsync(Request());
        await partner.DecideAsync(Request());

        Assert.Same(v3, await provider.ResolveAsync(new SeatBinding(AgentRoles.Policy, "sotopia-pi", 3, "ft:gpt-4.1-nano:sotopia::v3")));
        Assert.Equal(["ft:gpt-4.1-nano:sotopia::v3", "gpt-4o-mini"], server.Requests.Select(r => r.Model));
        Assert.Equal([1.0, 1.0], server.Requests.Select(r => r.Temperature ?? -1));
    }

    [Fact]
    public async Task TheJudgeScoresBothSeatsInOneCall()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(new FakeOpenAiReply { Content = JudgeAnswer(goal1: 8, goal2: 3, objectForm: true), PromptTokens = 3000, CompletionTokens = 700, CachedTokens = 0 });
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));
        var judge = new LlmJudge(gateway, "gpt-4o");

        var outcome = await judge.JudgeAsync(JudgeRequest());

        Assert.True(outcome.Succeeded, outcome.Failure?.Reason);
        Assert.Equal((8, 3), (outcome.Evaluation.Agent1.Goal, outcome.Evaluation.Agent2.Goal));
        Assert.Equal("reason for goal", outcome.Evaluation.Agent1.Scores[(int)SotopiaDimension.Goal].Reasoning);
        Assert.Equal((3000, 700), (outcome.Usage!.PromptTokens, outcome.Usage.CompletionTokens));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("gpt-4o", 0.0, "sotopia_evaluation"), (request.Model, request.Temperature ?? -1, request.SchemaName));
        Assert.Equal(JudgePromptRenderer.Render(JudgeRequest()), request.Prompt);
    }

    [Fact]
    public async Task AnOutOfRangeScoreGetsOneRepairCall()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(
            FakeOpenAiReply.Answer("```json\n" + JudgeAnswer(goal1: 11, goal2: 3, objectForm: false) + "\n```"),
            FakeOpenAiReply.Answer(JudgeAnswer(goal1: 10, goal2: 3, objectForm: false)));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var outcome = await new LlmJudge(gateway, "gpt-4o").JudgeAsync(JudgeRequest());

        Assert.True(outcome.Succeeded, outcome.Failure?.Reason);
        Assert.Equal(10, outcome.Evaluation.Agent1.Goal);
        Assert.Contains("agent_1_evaluation.goal: score 11 is outside the range [0, 10]", server.Requests[1].Prompt);
    }

    [Fact]
    public async Task AJudgeAnswerStillBadAfterRepairIsARecordedFailureNotZeros()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(
            FakeOpenAiReply.Answer(JudgeAnswer(goal1: 11, goal2: 3, objectForm: true)),
            FakeOpenAiReply.Answer("""{"agent_1_evaluation": {"believability": ["fine", 9]}}"""));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var outcome = await new LlmJudge(gateway, "gpt-4o").JudgeAsync(JudgeRequest());

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.Evaluation);
        Assert.StartsWith("unreadable judge answer after one repair: \"agent_1_evaluation\" is missing \"relationship\"", outcome.Failure.Reason);
        Assert.Contains("score 11 is outside the range [0, 10]", outcome.Failure.Reason);
        Assert.Equal("""{"agent_1_evaluation": {"believability": ["fine", 9]}}""", outcome.Failure.RawAnswer);
        Assert.NotNull(outcome.Usage);
    }

    [Fact]
    public async Task AJudgeEndpointThatFailsIsARecordedFailure()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(500, "judge down"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, maxAttempts: 2));

        var outcome = await new LlmJudge(gateway, "gpt-4o").JudgeAsync(JudgeRequest());

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("judge call failed: judge call (judge) to 127.0.0.1", outcome.Failure.Reason);
        Assert.Contains("HTTP 500 judge down", outcome.Failure.Reason);
    }

    /// <summary>A judge answer with every dimension 0 except believability 7 and the given goals.</summary>
    internal static string JudgeAnswer(int goal1, int goal2, bool objectForm)
    {
        JsonObject Seat(int goal)
        {
            var seat = new JsonObject();
            foreach (var info in DimensionInfo.All)
            {
                var score = info.Dimension switch
                {
                    SotopiaDimension.Goal => goal,
                    SotopiaDimension.Believability => 7,
                    _ => 0,
                };
                seat[info.Key] = objectForm
                    ? new JsonObject { ["reasoning"] = $"reason for {info.Key}", ["score"] = score }
                    : new JsonArray($"reason for {info.Key}", score);
            }
            return seat;
        }
        return new JsonObject { ["agent_1_evaluation"] = Seat(goal1), ["agent_2_evaluation"] = Seat(goal2) }.ToJsonString();
    }

    private static AgentTurnRequest Request(int turn = 0)
    {
        var setup = StarterSetups.Setup();
        var history = StarterSetups.Conversation(EpisodeId, turn);
        var seat = turn % 2;
        return new AgentTurnRequest(EpisodeId, setup, seat, turn, history, AgentPromptRenderer.Render(setup, seat, history, turn),
            new SeatBinding(AgentRoles.Policy, "sotopia-pi", 0, "m"), 1);
    }

    private static EpisodeJudgeRequest JudgeRequest() =>
        new(EpisodeId, StarterSetups.Setup(), [.. StarterSetups.Conversation(EpisodeId, 4), new Turn(EpisodeId, 4, 0, AgentAction.Leave)], TerminationReason.Agent1Left, 1);
}
