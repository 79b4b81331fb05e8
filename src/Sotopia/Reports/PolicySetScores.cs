namespace SotopiaPi.Sotopia.Reports;

/// <summary>One row of the paper-style table: a policy against the partner on one set, own seat only.</summary>
/// <param name="Policy">Who was evaluated.</param>
/// <param name="Set"><see cref="ReportSets.All"/> or <see cref="ReportSets.Hard"/>.</param>
/// <param name="Episodes">Evaluation episodes of the policy in the set (any status).</param>
/// <param name="EvaluationFailed">Of those, how many the judge could not score (not part of the scores).</param>
/// <param name="Failed">Of those, how many could not be played.</param>
/// <param name="Scores">Scores of the policy's seat in the judged episodes.</param>
/// <param name="Usage">Token use and cost of the policy's evaluation, when recorded.</param>
/// <param name="Unscored">Why <see cref="Scores"/> is empty (n = 0), from the episodes' recorded failures
/// (<see cref="UnscoredReason"/>); null when something was scored.</param>
public sealed record PolicySetScores(
    ReportPolicy Policy,
    string Set,
    int Episodes,
    int EvaluationFailed,
    int Failed,
    ScoreBreakdown Scores,
    UsageTotals Usage,
    string? Unscored);
