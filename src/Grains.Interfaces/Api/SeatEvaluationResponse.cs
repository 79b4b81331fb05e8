using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>The judge's 7 dimension scores for one seat, with reasoning, and their mean.</summary>
public sealed record SeatEvaluationResponse
{
    public required double Overall { get; init; }
    public required int Goal { get; init; }
    public required ImmutableArray<DimensionScoreResponse> Dimensions { get; init; }
}
