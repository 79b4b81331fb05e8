namespace SotopiaPi.Grains.Interfaces;

/// <summary>A judgement that did not produce scores. It carries no numbers at all, so it can never be averaged
/// or filtered as if it were a score of zero.</summary>
/// <param name="Reason">What went wrong (parse error, out-of-range value, endpoint failure…).</param>
/// <param name="RawAnswer">The judge's last raw answer, if any, for inspection.</param>
[Immutable]
public sealed record EvaluationFailure(string Reason, string? RawAnswer = null);
