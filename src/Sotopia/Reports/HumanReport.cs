using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>What a report shows about imported human ratings.</summary>
/// <param name="Source">The ratings file.</param>
/// <param name="Ratings">Ratings read from it.</param>
/// <param name="Used">Ratings that rate an evaluated, judged seat of this campaign (the rest are explained in <paramref name="Notes"/>).</param>
/// <param name="Gaps">Per policy: GOAL first, then overall and the other dimensions that humans rated.</param>
/// <param name="Notes">Why some ratings were not used, one line per reason.</param>
public sealed record HumanReport(string Source, int Ratings, int Used, ImmutableArray<HumanJudgeGap> Gaps, ImmutableArray<string> Notes);
