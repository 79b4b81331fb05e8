using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Tests.Prompts;

public sealed class JudgeAnswerParserTests
{
    private static readonly int[] Scores1 = [8, -2, 5, 0, -1, 3, 7];
    private static readonly int[] Scores2 = [6, 4, 2, -10, 0, -5, 10];

    /// <summary>An answer in the prompt's tuple form, with one score replaced by raw JSON if asked.</summary>
    private static string Answer(string? agent = null, string? key = null, string? rawScore = null, bool objectForm = false)
    {
        string Seat(string name, int[] scores) => "{" + string.Join(", ", DimensionInfo.All.Select(info =>
        {
            var score = name == agent && info.Key == key ? rawScore! : scores[(int)info.Dimension].ToString(System.Globalization.CultureInfo.InvariantCulture);
            var reasoning = JsonSerializer.Serialize($"{name} {info.Key} because \"reasons\"");
            return objectForm ? $"\"{info.Key}\": {{\"score\": {score}, \"reasoning\": {reasoning}}}" : $"\"{info.Key}\": [{reasoning}, {score}]";
        })) + "}";
        return $"{{\"agent_1_evaluation\": {Seat("agent_1_evaluation", Scores1)}, \"agent_2_evaluation\": {Seat("agent_2_evaluation", Scores2)}}}";
    }

    private static EpisodeEvaluation Parse(string text)
    {
        Assert.True(JudgeAnswerParser.TryParse(text, out var evaluation, out var error, "judge-x"), error);
        return evaluation;
    }

    private static string Error(string text)
    {
        Assert.False(JudgeAnswerParser.TryParse(text, out var evaluation, out var error, "judge-x"));
        Assert.Null(evaluation);
        return error;
    }

    [Fact]
    public void BothSeatsAndAllDimensionsAreRead()
    {
        var evaluation = Parse(Answer());
        Assert.Equal("judge-x", evaluation.JudgeModel);
        Assert.Equal(Scores1, evaluation.Agent1.Scores.Select(s => s.Score));
        Assert.Equal(Scores2, evaluation.Agent2.Scores.Select(s => s.Score));
        Assert.Equal("agent_2_evaluation secret because \"reasons\"", evaluation.Agent2.Scores[(int)SotopiaDimension.Secret].Reasoning);
        Assert.Equal(7, evaluation.Agent1.Goal);
        Assert.Equal(20 / 7.0, evaluation.Agent1.Overall, 12);
    }

    [Fact]
    public void TheObjectFormFencesAndExtraKeysAreAccepted()
    {
        var text = "Here is my evaluation:\n```json\n" + Answer(objectForm: true).Replace("{\"agent_1_evaluation\"", "{\"note\": \"x\", \"agent_1_evaluation\"", StringComparison.Ordinal) + "\n```";
        Assert.Equal(Scores2, Parse(text).Agent2.Scores.Select(s => s.Score));
    }

    [Theory]
    [InlineData("7.0", 7)]
    [InlineData("\"7\"", 7)]
    [InlineData("-0", 0)]
    public void IntegerValuedScoresAreAccepted(string raw, int expected) =>
        Assert.Equal(expected, Parse(Answer("agent_1_evaluation", "knowledge", raw)).Agent1[SotopiaDimension.Knowledge]);

    [Theory]
    [InlineData("7.5")]
    [InlineData("\"seven\"")]
    [InlineData("null")]
    public void NonIntegerScoresAreRejected(string raw) =>
        Assert.Contains("agent_1_evaluation.knowledge: the score must be an integer", Error(Answer("agent_1_evaluation", "knowledge", raw)), StringComparison.Ordinal);

    [Theory]
    [InlineData("agent_1_evaluation", "goal", "11", "agent_1_evaluation.goal: score 11 is outside the range [0, 10]")]
    [InlineData("agent_2_evaluation", "secret", "3", "agent_2_evaluation.secret: score 3 is outside the range [-10, 0]")]
    [InlineData("agent_2_evaluation", "relationship", "-6", "agent_2_evaluation.relationship: score -6 is outside the range [-5, 5]")]
    [InlineData("agent_1_evaluation", "believability", "1e12", "agent_1_evaluation.believability: score 1000000000000 is outside the range [0, 10]")]
    public void OutOfRangeScoresAreErrorsNeverClamped(string agent, string key, string raw, string message) =>
        Assert.Equal(message, Error(Answer(agent, key, raw)));

    [Fact]
    public void MissingPartsAreNamed()
    {
        Assert.Contains("\"agent_2_evaluation\" is missing \"financial_and_material_benefits\"",
            Error(Answer().Replace("\"financial_and_material_benefits\": [\"agent_2", "\"money\": [\"agent_2", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("no \"agent_2_evaluation\"", Error(Answer().Replace("agent_2_evaluation\":", "agent_3_evaluation\":", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("no \"agent_1_evaluation\"", Error("""{"agent_2_evaluation": {}}"""), StringComparison.Ordinal);
        Assert.Contains("expected [reasoning, score]", Error(Answer("agent_1_evaluation", "goal", "7, 8")), StringComparison.Ordinal);
        Assert.Contains("no well-formed JSON object", Error("I cannot evaluate this."), StringComparison.Ordinal);
    }
}
