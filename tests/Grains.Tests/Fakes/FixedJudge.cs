using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>A judge that gives every seat the same scores (goal <see cref="Goal"/>), or fails when <see cref="Fail"/> is set.</summary>
internal sealed class FixedJudge : IEpisodeJudge
{
    public string Model => "fixed-judge";

    public int Goal { get; init; } = 7;

    public string? Fail { get; init; }

    public List<EpisodeJudgeRequest> Requests { get; } = [];

    public ValueTask<EvaluationOutcome> JudgeAsync(EpisodeJudgeRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        if (Fail is { } reason)
        {
            return ValueTask.FromResult(EvaluationOutcome.Failed(new EvaluationFailure(reason)));
        }
        var seat = Seat(Goal);
        return ValueTask.FromResult(EvaluationOutcome.Success(new EpisodeEvaluation(seat, seat, Model)));
    }

    public static SeatEvaluation Seat(int goal) => new([.. DimensionInfo.All.Select(d => new DimensionScore(
        d.Dimension == SotopiaDimension.Goal ? goal : Math.Clamp(0, d.Min, d.Max), "fixed"))]);
}
