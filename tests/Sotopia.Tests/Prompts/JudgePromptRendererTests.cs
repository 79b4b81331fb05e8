using System.Text.Json;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Prompts;

public sealed class JudgePromptRendererTests
{
    private static EpisodeJudgeRequest Request()
    {
        var setup = Setup(RelationshipType.Stranger);
        return new EpisodeJudgeRequest("e-1", setup, [.. Turns(AgentAction.Speak("Hi"), AgentAction.None, AgentAction.Leave)], TerminationReason.Agent1Left, 7);
    }

    [Fact]
    public void ThePromptHasTheTranscriptTheRubricsAndTheAnswerShape()
    {
        var request = Request();
        var prompt = JudgePromptRenderer.Render(request);
        Assert.StartsWith(HistoryRenderer.JudgeTranscript(request.Setup, request.Turns) + "\n\n", prompt, StringComparison.Ordinal);
        Assert.Contains("agent_1 is Mia Davis and agent_2 is Leo Park", prompt, StringComparison.Ordinal);
        foreach (var info in DimensionInfo.All)
        {
            Assert.Contains($"- {info.Key} (integer from {info.Min} to {info.Max}): {JudgePromptRenderer.Rubric(info.Dimension)}", prompt, StringComparison.Ordinal);
        }
        Assert.Contains("\"agent_1_evaluation\": {\"believability\": [\"<reasoning>\", <integer score>]", prompt, StringComparison.Ordinal);
        Assert.EndsWith(JudgePromptRenderer.ResponseSchema, prompt, StringComparison.Ordinal);
        Assert.Contains("Leo's secrets:", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void RubricsCarryTheMeaningOfEachDimension()
    {
        Assert.Contains("0: no change", JudgePromptRenderer.Rubric(SotopiaDimension.Relationship), StringComparison.Ordinal);
        Assert.Contains("-10: critical", JudgePromptRenderer.Rubric(SotopiaDimension.Secret), StringComparison.Ordinal);
        Assert.Contains("restate the participant's social goal", JudgePromptRenderer.Rubric(SotopiaDimension.Goal), StringComparison.Ordinal);
        Assert.Contains("long-term", JudgePromptRenderer.Rubric(SotopiaDimension.FinancialAndMaterialBenefits), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BothSchemasDefineAllDimensionsWithTheirExactRanges(bool tupleForm)
    {
        using var schema = JsonDocument.Parse(tupleForm ? JudgePromptRenderer.ResponseSchema : JudgePromptRenderer.StructuredOutputSchema);
        var root = schema.RootElement;
        Assert.Equal(["agent_1_evaluation", "agent_2_evaluation"], root.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        var evaluation = root.GetProperty("$defs").GetProperty("evaluation");
        Assert.Equal(DimensionInfo.All.Select(i => i.Key), evaluation.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        foreach (var info in DimensionInfo.All)
        {
            var dimension = evaluation.GetProperty("properties").GetProperty(info.Key);
            var score = tupleForm
                ? dimension.GetProperty("prefixItems")[1]
                : dimension.GetProperty("properties").GetProperty("score");
            Assert.Equal("integer", score.GetProperty("type").GetString());
            Assert.Equal(info.Min, score.GetProperty("minimum").GetInt32());
            Assert.Equal(info.Max, score.GetProperty("maximum").GetInt32());
            if (!tupleForm)
            {
                Assert.Equal(JudgePromptRenderer.Rubric(info.Dimension), dimension.GetProperty("description").GetString());
                Assert.Equal(["reasoning", "score"], dimension.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
            }
        }
    }
}
