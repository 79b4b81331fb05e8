namespace SotopiaPi.Grains.Interfaces;

/// <summary>Scores both seats of a finished episode on the 7 dimensions, in one call. Never throws for a bad
/// answer: it returns <see cref="EvaluationOutcome.Failed"/> with the reason instead.</summary>
public interface IEpisodeJudge
{
    string Model { get; }

    ValueTask<EvaluationOutcome> JudgeAsync(EpisodeJudgeRequest request, CancellationToken cancellationToken = default);
}
