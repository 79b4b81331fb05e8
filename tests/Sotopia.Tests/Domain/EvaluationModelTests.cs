using System.Collections.Immutable;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Domain;

public sealed class EvaluationModelTests
{
    private static ImmutableArray<DimensionScore> Scores(params int[] values) =>
        [.. values.Select((v, i) => new DimensionScore(v, $"reason {i}"))];

    [Fact]
    public void DimensionsHaveTheExactSotopiaKeysAndRanges()
    {
        Assert.Equal(
            ["believability", "relationship", "knowledge", "secret", "social_rules", "financial_and_material_benefits", "goal"],
            DimensionInfo.All.Select(d => d.Key));
        Assert.Equal([(0, 10), (-5, 5), (0, 10), (-10, 0), (-10, 0), (-5, 5), (0, 10)], DimensionInfo.All.Select(d => (d.Min, d.Max)));
        Assert.Equal(SotopiaDimension.SocialRules, DimensionInfo.FromKey("SOCIAL_RULES")!.Dimension);
        Assert.Null(DimensionInfo.FromKey("charisma"));
    }

    [Fact]
    public void OverallIsTheUnweightedMeanOfTheSevenDimensions()
    {
        var evaluation = new SeatEvaluation(Scores(9, 2, 5, -1, 0, 1, 7));
        Assert.Equal(23 / 7.0, evaluation.Overall, 12);
        Assert.Equal(7, evaluation.Goal);
        Assert.Equal(-1, evaluation[SotopiaDimension.Secret]);
    }

    [Theory]
    [InlineData(0, 11)]
    [InlineData(1, -6)]
    [InlineData(3, 1)]
    [InlineData(4, -11)]
    [InlineData(6, -1)]
    public void OutOfRangeScoresAreRejectedNotClamped(int dimension, int value)
    {
        var values = new[] { 5, 0, 5, 0, 0, 0, 5 };
        values[dimension] = value;
        var error = Assert.Throws<ArgumentException>(() => new SeatEvaluation(Scores(values)));
        Assert.Contains(DimensionInfo.All[dimension].Key, error.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void AnEvaluationNeedsExactlySevenScores()
    {
        Assert.Throws<ArgumentException>(() => new SeatEvaluation(Scores(5, 0, 5, 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => new SeatEvaluation(default));
    }

    [Fact]
    public void AFailedOutcomeCarriesNoScoresAndSurvivesStorage()
    {
        var failed = EvaluationOutcome.Failed(new EvaluationFailure("judge answered garbage", "{oops"));
        Assert.False(failed.Succeeded);
        Assert.Null(failed.Evaluation);

        var json = JsonSerializer.Serialize(failed, SotopiaJson.Options);
        Assert.DoesNotContain("score", json, StringComparison.OrdinalIgnoreCase);
        var back = JsonSerializer.Deserialize<EvaluationOutcome>(json, SotopiaJson.Options)!;
        Assert.False(back.Succeeded);
        Assert.Equal("judge answered garbage", back.Failure!.Reason);
    }

    [Fact]
    public void ASuccessfulOutcomeRoundTripsThroughJson()
    {
        var evaluation = new EpisodeEvaluation(new SeatEvaluation(Scores(8, 1, 3, 0, 0, 2, 6)), new SeatEvaluation(Scores(7, -1, 2, -3, -2, -1, 4)), "judge-x");
        var json = JsonSerializer.Serialize(EvaluationOutcome.Success(evaluation), SotopiaJson.Options);
        var back = JsonSerializer.Deserialize<EvaluationOutcome>(json, SotopiaJson.Options)!;
        Assert.True(back.Succeeded);
        Assert.Equal(evaluation.Agent2.Scores.Select(s => s.Score), back.Evaluation.Agent2.Scores.Select(s => s.Score));
        Assert.Equal("reason 6", back.Evaluation.Agent1.Scores[6].Reasoning);
        Assert.Equal(evaluation.Agent1.Overall, back.Evaluation.Agent1.Overall);
    }

    [Theory]
    [InlineData(ActionType.None, "none")]
    [InlineData(ActionType.Speak, "speak")]
    [InlineData(ActionType.NonVerbalCommunication, "non-verbal communication")]
    [InlineData(ActionType.Action, "action")]
    [InlineData(ActionType.Leave, "leave")]
    public void ActionTypesUseSotopiasWireNames(ActionType type, string wire)
    {
        Assert.Equal(wire, type.ToWire());
        Assert.True(ActionTypes.TryParse(" " + wire.ToUpperInvariant() + " ", out var parsed));
        Assert.Equal(type, parsed);
    }

    [Fact]
    public void UnknownActionTypesDoNotParse()
    {
        Assert.False(ActionTypes.TryParse("shout", out _));
        Assert.False(ActionTypes.TryParse(null, out _));
        Assert.Equal(
            [ActionType.None, ActionType.Action, ActionType.Speak, ActionType.NonVerbalCommunication, ActionType.Leave],
            ActionTypes.PromptOrder);
    }
}
