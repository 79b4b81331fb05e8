using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Everything a campaign report shows, computed from the campaign record and its episodes (see
/// <see cref="CampaignReportBuilder"/>); renderers only format it.</summary>
public sealed record CampaignReportData
{
    public required CampaignRecord Campaign { get; init; }
    /// <summary>Episodes of the campaign by status.</summary>
    public required EpisodeCounts Episodes { get; init; }
    /// <summary>Evaluated policies in table order (trained versions oldest first, then the expert).</summary>
    public required ImmutableArray<ReportPolicy> Policies { get; init; }
    /// <summary><see cref="ReportSets.All"/>, plus <see cref="ReportSets.Hard"/> when the evaluation set is
    /// larger than its hard part.</summary>
    public required ImmutableArray<ReportSet> Sets { get; init; }
    /// <summary>One row per policy and set, in policy order then set order.</summary>
    public required ImmutableArray<PolicySetScores> Scores { get; init; }
    public required ImmutableArray<RoundReport> Rounds { get; init; }
    /// <summary>Per group (each training round, then each policy's evaluation seats) the 7 dimensions in order.</summary>
    public required ImmutableArray<ScoreHistogram> Histograms { get; init; }
    public required ImmutableArray<PairedComparison> Paired { get; init; }
    public required UsageTotals Usage { get; init; }
    public HumanReport? Human { get; init; }

    public PolicySetScores? ScoresFor(ReportPolicy policy, string set) =>
        Scores.FirstOrDefault(s => s.Policy == policy && s.Set == set);

    public IEnumerable<string> HistogramGroups => Histograms.Select(h => h.Group).Distinct();
}
