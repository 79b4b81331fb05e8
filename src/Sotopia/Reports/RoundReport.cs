namespace SotopiaPi.Sotopia.Reports;

/// <summary>One training round (BC or SR) as a report shows it.</summary>
/// <param name="Round">Stage index (also the round number on its episodes).</param>
/// <param name="Label">"bc", "sr1", "bc+sr2"…</param>
/// <param name="Phase">"bc" or "sr".</param>
/// <param name="PlayedBy">"expert" or "policy v2".</param>
/// <param name="Scenarios">Scenarios played.</param>
/// <param name="Episodes">Episodes created.</param>
/// <param name="Judged">Episodes played and judged successfully.</param>
/// <param name="EvaluationFailed">Episodes whose judgement failed.</param>
/// <param name="Failed">Episodes that could not be played.</param>
/// <param name="Scores">Both seats of every judged episode.</param>
/// <param name="Kept">(episode, seat) trajectories the filter kept, once the round was filtered.</param>
/// <param name="KeptShare">Kept / scored seats, once filtered.</param>
/// <param name="KeptGoal">Mean GOAL of the kept trajectories.</param>
/// <param name="TrainingExamples">SFT examples exported from the kept trajectories.</param>
/// <param name="ProducedVersion">The policy version trained on the round, once published.</param>
/// <param name="Usage">Token use and cost of the round, when recorded.</param>
/// <param name="Unscored">Why <see cref="Scores"/> is empty (n = 0); null when something was scored.</param>
public sealed record RoundReport(
    int Round,
    string Label,
    string Phase,
    string PlayedBy,
    int Scenarios,
    int Episodes,
    int Judged,
    int EvaluationFailed,
    int Failed,
    ScoreBreakdown Scores,
    int? Kept,
    double? KeptShare,
    double? KeptGoal,
    int TrainingExamples,
    int? ProducedVersion,
    UsageTotals Usage,
    string? Unscored);
