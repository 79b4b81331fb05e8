namespace SotopiaPi.Sotopia.Reports;

/// <summary>Two evaluated policies compared on the same (task, seat) evaluation episodes: the mean difference
/// <c>To − From</c> of the evaluated seat's GOAL and overall, with a paired 95% CI.</summary>
/// <param name="From">The reference policy (earlier version, base, or the expert).</param>
/// <param name="To">The policy compared with it.</param>
/// <param name="Kind">"consecutive", "vs base", "consecutive, vs base" or "vs expert".</param>
/// <param name="Set"><see cref="ReportSets.All"/> or <see cref="ReportSets.Hard"/>.</param>
/// <param name="Goal">GOAL difference over the (task, seat) pairs both judged.</param>
/// <param name="Overall">Overall difference over the same pairs.</param>
public sealed record PairedComparison(
    ReportPolicy From,
    ReportPolicy To,
    string Kind,
    string Set,
    PairedDifference Goal,
    PairedDifference Overall)
{
    public int N => Goal.N;
}
