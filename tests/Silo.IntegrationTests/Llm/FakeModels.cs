using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>A responder that plays every role on the fake server: agents speak for a few turns and then leave, the
/// judge scores both seats (goal varying with the transcript), the generator writes a task from its keyword.</summary>
internal static partial class FakeModels
{
    public static FakeOpenAiReply Respond(FakeOpenAiRequest request)
    {
        var prompt = request.Prompt;
        if (prompt.Contains("You write tasks for a role-play", StringComparison.Ordinal))
        {
            return new FakeOpenAiReply { Content = TaskGenerationTests.FakeGenerator.Answer(prompt, ""), CachedTokens = 0 };
        }
        if (prompt.Contains("agent_1_evaluation", StringComparison.Ordinal))
        {
            var goal = (int)((uint)prompt.Length % 11);
            return new FakeOpenAiReply { Content = LlmAgentAndJudgeTests.JudgeAnswer(goal, 10 - goal, objectForm: true), CachedTokens = 0 };
        }
        var match = TurnLine().Match(prompt);
        var turn = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var content = turn >= 5
            ? """{"action_type": "leave", "argument": ""}"""
            : $$"""{"action_type": "speak", "argument": "Point number {{turn}} from {{request.Model}}."}""";
        // Consecutive prompts of an agent share their prefix: report most of the prompt as cached after the first turns.
        var promptTokens = Math.Max(1, prompt.Length / 4);
        return new FakeOpenAiReply { Content = content, PromptTokens = promptTokens, CachedTokens = turn >= 2 ? promptTokens * 3 / 4 : 0 };
    }

    [GeneratedRegex(@"You are at Turn #(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex TurnLine();
}
