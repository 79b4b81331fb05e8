using System.Collections.Immutable;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Computes a campaign report from the stored record, the campaign's episodes and the dataset's named
/// sets. Pure: no store, no clock; the same inputs give the same report. Scores are recomputed from the
/// episodes (so a running campaign's partial results show too); counts of kept trajectories and examples come
/// from the record; token use and cost from the episodes' usage (<see cref="ReportUsage"/>). It reads only
/// <see cref="EpisodeReportRow"/>s, the narrow projection the stores keep per episode; the overload for full records
/// projects them first, so both give the same report.</summary>
public static class CampaignReportBuilder
{
    public static CampaignReportData Build(
        CampaignRecord campaign,
        IReadOnlyList<EpisodeRecord> episodes,
        IReadOnlyDictionary<string, ImmutableArray<string>> namedSets,
        HumanRatingImport? human = null,
        IReadOnlyDictionary<string, ImmutableArray<CallUsage>>? turnUsage = null)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var rows = episodes
            .Select(e => EpisodeReportRow.From(e, turnUsage is not null && turnUsage.TryGetValue(e.Id, out var calls) ? calls : null))
            .ToList();
        return Build(campaign, rows, namedSets, human, usageKnown: turnUsage is not null);
    }

    /// <summary>The report from the episodes' report rows (<see cref="IEpisodeStore.ListEpisodeReportRowsAsync"/>):
    /// the same numbers as from the full records, without reading them. <paramref name="usageKnown"/>: the rows' usage
    /// is every call's (false gives "—" for a model campaign; a simulator campaign's usage is zero either way).</summary>
    public static CampaignReportData Build(
        CampaignRecord campaign,
        IReadOnlyList<EpisodeReportRow> episodes,
        IReadOnlyDictionary<string, ImmutableArray<string>> namedSets,
        HumanRatingImport? human,
        bool usageKnown = true)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(namedSets);
        if (human is { IsValid: false })
        {
            throw new ArgumentException($"The human ratings from '{human.Source}' have {human.Problems.Length} problem(s); fix them before building a report.", nameof(human));
        }

        var mine = episodes.Where(e => e.CampaignId == campaign.Id).ToList();
        Func<IEnumerable<EpisodeReportRow>, UsageTotals> usageOf = !usageKnown || ReportUsage.IsSimulator(campaign)
            ? _ => ReportUsage.ForCampaign(campaign)
            : group => ReportUsage.Of(group.SelectMany(e => e.Usage), campaign.Spec.Budget);
        var evaluation = mine.Where(e => e.Phase == "eval" && e.ScoredSeats.Length > 0).ToList();
        var policies = Policies(campaign, evaluation);
        var (sets, hardScenarios) = Sets(campaign, evaluation, namedSets);
        var inSet = new Dictionary<string, Func<EpisodeReportRow, bool>>
        {
            [ReportSets.All] = _ => true,
            [ReportSets.Hard] = e => hardScenarios.Contains(e.ScenarioId),
        };

        var byPolicy = policies.ToDictionary(p => p, p => evaluation.Where(e => p.Plays(e.Seats[e.ScoredSeats[0]])).ToList());
        var scores = ImmutableArray.CreateBuilder<PolicySetScores>();
        foreach (var policy in policies)
        {
            foreach (var set in sets)
            {
                var rows = byPolicy[policy].Where(inSet[set.Name]).ToList();
                var breakdown = ScoreBreakdown.From(ScoredSeats(rows).Select(s => s.Evaluation).ToList());
                scores.Add(new PolicySetScores(
                    policy,
                    set.Name,
                    rows.Count,
                    rows.Count(e => e.Status == EpisodeStatus.EvaluationFailed),
                    rows.Count(e => e.Status == EpisodeStatus.Failed),
                    breakdown,
                    usageOf(rows),
                    breakdown.N == 0 ? UnscoredReason.Describe(rows) : null));
            }
        }

        var rounds = Rounds(campaign, mine, usageOf);
        var histograms = ImmutableArray.CreateBuilder<ScoreHistogram>();
        foreach (var round in rounds)
        {
            AddHistograms(histograms, round.Label, ScoredSeats(mine.Where(e => e.Round == round.Round && e.Phase != "eval")));
        }
        foreach (var policy in policies)
        {
            AddHistograms(histograms, $"eval: {policy.Label}", ScoredSeats(byPolicy[policy]));
        }

        return new CampaignReportData
        {
            Campaign = campaign,
            Episodes = Count(mine),
            Policies = policies,
            Sets = sets,
            Scores = scores.ToImmutable(),
            Rounds = rounds,
            Histograms = histograms.ToImmutable(),
            Paired = Paired(policies, byPolicy, sets, inSet),
            Usage = usageOf(mine),
            Human = human is null ? null : Human(human, mine, policies),
        };
    }

    /// <summary>The judged, scored seats of the episodes, each with its episode.</summary>
    private static IEnumerable<(EpisodeReportRow Episode, int Seat, SeatEvaluation Evaluation)> ScoredSeats(IEnumerable<EpisodeReportRow> episodes)
    {
        foreach (var episode in episodes)
        {
            if (!episode.IsScored)
            {
                continue;
            }
            foreach (var seat in episode.ScoredSeats)
            {
                yield return (episode, seat, episode.ScoresOf(seat));
            }
        }
    }

    private static ImmutableArray<ReportPolicy> Policies(CampaignRecord campaign, List<EpisodeReportRow> evaluation)
    {
        var spec = campaign.Spec;
        var plan = CampaignPlan.Build(spec);
        var labels = new Dictionary<int, string>();
        if (spec.Mode != CampaignMode.Eval)
        {
            labels[0] = "base";
            foreach (var round in campaign.Rounds)
            {
                if (round.ProducedVersion is { } produced && round.Round < plan.Length)
                {
                    labels[produced] = CampaignPlan.LabelFor(spec, plan[round.Round]);
                }
            }
        }

        var policies = new List<ReportPolicy>();
        foreach (var stored in campaign.Evaluations)
        {
            var policy = new ReportPolicy(stored.Label, stored.Role, stored.Role == AgentRoles.Policy ? stored.Version : null);
            if (!policies.Any(p => p.Label == policy.Label))
            {
                policies.Add(policy);
            }
        }
        var seen = evaluation
            .Select(e => e.Seats[e.ScoredSeats[0]])
            .Where(b => !policies.Any(p => p.Plays(b)))
            .Select(b => b.Role == AgentRoles.Policy
                ? new ReportPolicy(labels.GetValueOrDefault(b.Version, $"v{b.Version}"), b.Role, b.Version)
                : new ReportPolicy(b.Role, b.Role, null))
            .Distinct();
        policies.AddRange(seen);
        return [.. policies
            .Select((p, i) => (Policy: p, Index: i))
            .OrderBy(x => x.Policy.IsTrainedPolicy ? 0 : 1)
            .ThenBy(x => x.Policy.Version ?? 0)
            .ThenBy(x => x.Index)
            .Select(x => x.Policy)];
    }

    private static (ImmutableArray<ReportSet> Sets, HashSet<string> Hard) Sets(
        CampaignRecord campaign, List<EpisodeReportRow> evaluation, IReadOnlyDictionary<string, ImmutableArray<string>> namedSets)
    {
        var evalName = campaign.Spec.EvaluationSet;
        var scenarios = evaluation.Count > 0
            ? evaluation.Select(e => e.ScenarioId).ToHashSet(StringComparer.Ordinal)
            : namedSets.TryGetValue(evalName, out var ids) ? ids.ToHashSet(StringComparer.Ordinal) : [];
        var sets = ImmutableArray.CreateBuilder<ReportSet>();
        sets.Add(new ReportSet(ReportSets.All, $"the evaluation set '{evalName}'", scenarios.Count));
        foreach (var name in ReportSets.HardSetNames)
        {
            if (!namedSets.TryGetValue(name, out var hardIds))
            {
                continue;
            }
            var hard = scenarios.Intersect(hardIds, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            if (hard.Count > 0 && hard.Count < scenarios.Count)
            {
                sets.Add(new ReportSet(ReportSets.Hard, $"scenarios of '{evalName}' that are in the named set '{name}'", hard.Count));
                return (sets.ToImmutable(), hard);
            }
            break;
        }
        return (sets.ToImmutable(), []);
    }

    private static ImmutableArray<RoundReport> Rounds(CampaignRecord campaign, List<EpisodeReportRow> episodes, Func<IEnumerable<EpisodeReportRow>, UsageTotals> usageOf)
    {
        var plan = CampaignPlan.Build(campaign.Spec);
        var rounds = ImmutableArray.CreateBuilder<RoundReport>();
        foreach (var round in campaign.Rounds)
        {
            var played = episodes.Where(e => e.Round == round.Round && e.Phase != "eval").ToList();
            var breakdown = ScoreBreakdown.From(ScoredSeats(played).Select(s => s.Evaluation).ToList());
            var filtered = round.TrainingRequestId is not null;
            rounds.Add(new RoundReport(
                round.Round,
                round.Round < plan.Length ? CampaignPlan.LabelFor(campaign.Spec, plan[round.Round]) : round.Phase,
                round.Phase,
                round.PlayedVersion is { } v ? $"policy v{v}" : AgentRoles.Expert,
                round.Scenarios,
                Math.Max(round.Episodes, played.Count),
                played.Count(e => e.Status == EpisodeStatus.Completed),
                played.Count(e => e.Status == EpisodeStatus.EvaluationFailed),
                played.Count(e => e.Status == EpisodeStatus.Failed),
                breakdown,
                filtered ? round.FilteredTrajectories : null,
                filtered && breakdown.N > 0 ? round.FilteredTrajectories / (double)breakdown.N : null,
                filtered ? round.FilteredGoal : null,
                round.TrainingExamples,
                round.ProducedVersion,
                usageOf(played),
                breakdown.N == 0 ? UnscoredReason.Describe(played) : null));
        }
        return rounds.ToImmutable();
    }

    private static void AddHistograms(
        ImmutableArray<ScoreHistogram>.Builder histograms, string group, IEnumerable<(EpisodeReportRow Episode, int Seat, SeatEvaluation Evaluation)> seats)
    {
        var evaluations = seats.Select(s => s.Evaluation).ToList();
        foreach (var info in DimensionInfo.All)
        {
            histograms.Add(ScoreHistogram.Of(group, info, evaluations));
        }
    }

    private static ImmutableArray<PairedComparison> Paired(
        ImmutableArray<ReportPolicy> policies,
        Dictionary<ReportPolicy, List<EpisodeReportRow>> byPolicy,
        ImmutableArray<ReportSet> sets,
        Dictionary<string, Func<EpisodeReportRow, bool>> inSet)
    {
        var versions = policies.Where(p => p.IsTrainedPolicy).OrderBy(p => p.Version).ToList();
        var pairs = new List<(ReportPolicy From, ReportPolicy To, string Kind)>();
        for (var i = 1; i < versions.Count; i++)
        {
            pairs.Add((versions[i - 1], versions[i], i == 1 ? "consecutive, vs base" : "consecutive"));
        }
        for (var i = 2; i < versions.Count; i++)
        {
            pairs.Add((versions[0], versions[i], "vs base"));
        }
        if (versions.Count > 0 && policies.FirstOrDefault(p => p.Role == AgentRoles.Expert) is { } expert)
        {
            pairs.Add((expert, versions[^1], "vs expert"));
        }

        var comparisons = ImmutableArray.CreateBuilder<PairedComparison>();
        foreach (var set in sets)
        {
            foreach (var (from, to, kind) in pairs)
            {
                var before = ByTaskAndSeat(byPolicy[from].Where(inSet[set.Name]));
                var after = ByTaskAndSeat(byPolicy[to].Where(inSet[set.Name]));
                comparisons.Add(new PairedComparison(
                    from, to, kind, set.Name,
                    PairedStatistics.Compare(
                        before.ToDictionary(p => p.Key, p => p.Value.Goal),
                        after.ToDictionary(p => p.Key, p => p.Value.Goal)),
                    PairedStatistics.Compare(
                        before.ToDictionary(p => p.Key, p => p.Value.Overall),
                        after.ToDictionary(p => p.Key, p => p.Value.Overall))));
            }
        }
        return comparisons.ToImmutable();
    }

    /// <summary>The evaluated seat's GOAL and overall per (task, seat); repeated episodes of the same task and
    /// seat are averaged.</summary>
    private static Dictionary<(string Task, int Seat), (double Goal, double Overall)> ByTaskAndSeat(IEnumerable<EpisodeReportRow> episodes) =>
        ScoredSeats(episodes)
            .GroupBy(s => (s.Episode.TaskId, s.Seat))
            .ToDictionary(g => g.Key, g => (g.Average(s => (double)s.Evaluation.Goal), g.Average(s => s.Evaluation.Overall)));

    private static HumanReport Human(HumanRatingImport human, List<EpisodeReportRow> episodes, ImmutableArray<ReportPolicy> policies)
    {
        var byId = episodes.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var ignored = new Dictionary<string, List<HumanRating>>(StringComparer.Ordinal);
        var used = new List<(ReportPolicy Policy, SeatEvaluation Judge, HumanRating Rating)>();
        foreach (var rating in human.Ratings)
        {
            string? reason = null;
            ReportPolicy? policy = null;
            if (!byId.TryGetValue(rating.EpisodeId, out var episode))
            {
                reason = "not an episode of this campaign";
            }
            else if (episode.Phase != "eval")
            {
                reason = $"not an evaluation episode (it is from the '{episode.Phase}' round {episode.Round})";
            }
            else if (!episode.ScoredSeats.Contains(rating.Seat))
            {
                reason = "rates the partner's seat, which is not evaluated";
            }
            else if (!episode.IsScored)
            {
                reason = "the judge has no scores for the episode";
            }
            else if ((policy = policies.FirstOrDefault(p => p.Plays(episode.Seats[rating.Seat]))) is null)
            {
                reason = "the seat's player is not one of the evaluated policies";
            }
            if (reason is not null)
            {
                (ignored.TryGetValue(reason, out var list) ? list : ignored[reason] = []).Add(rating);
                continue;
            }
            used.Add((policy!, episode!.ScoresOf(rating.Seat), rating));
        }

        var gaps = ImmutableArray.CreateBuilder<HumanJudgeGap>();
        var metrics = new List<(string Metric, string Label, Func<SeatEvaluation, double> Judge, Func<HumanRating, double?> Human)>
        {
            ("goal", DimensionInfo.Of(SotopiaDimension.Goal).Abbreviation, j => j.Goal, h => h[SotopiaDimension.Goal]),
            (HumanJudgeGap.OverallMetric, "overall", j => j.Overall, h => h.Overall),
        };
        metrics.AddRange(DimensionInfo.All
            .Where(d => d.Dimension != SotopiaDimension.Goal)
            .Select(d => (d.Key, d.Abbreviation, (Func<SeatEvaluation, double>)(j => j[d.Dimension]), (Func<HumanRating, double?>)(h => h[d.Dimension]))));
        foreach (var policy in policies)
        {
            foreach (var (metric, label, judgeOf, humanOf) in metrics)
            {
                var seats = used
                    .Where(u => u.Policy == policy && humanOf(u.Rating) is not null)
                    .GroupBy(u => (u.Rating.EpisodeId, u.Rating.Seat))
                    .Select(g => (Judge: judgeOf(g.First().Judge), Human: g.Average(u => humanOf(u.Rating)!.Value), Ratings: g.ToList()))
                    .ToList();
                if (seats.Count == 0)
                {
                    continue;
                }
                gaps.Add(new HumanJudgeGap(
                    policy,
                    metric,
                    label,
                    seats.Count,
                    seats.Sum(s => s.Ratings.Count),
                    seats.SelectMany(s => s.Ratings).Select(r => r.Rating.Annotator).Distinct(StringComparer.Ordinal).Count(),
                    seats.Average(s => s.Judge),
                    seats.Average(s => s.Human),
                    PairedStatistics.Difference([.. seats.Select(s => s.Human)], [.. seats.Select(s => s.Judge)])));
            }
        }

        var notes = ignored
            .Select(kv => $"{kv.Value.Count} rating(s) not used: {kv.Key} (e.g. line {kv.Value[0].Line}, episode '{kv.Value[0].EpisodeId}', seat {kv.Value[0].Seat + 1})")
            .ToImmutableArray();
        return new HumanReport(human.Source, human.Ratings.Length, used.Count, gaps.ToImmutable(), notes);
    }

    private static EpisodeCounts Count(List<EpisodeReportRow> episodes) => new(
        episodes.Count(e => e.Status == EpisodeStatus.Pending),
        episodes.Count(e => e.Status == EpisodeStatus.Running),
        episodes.Count(e => e.Status == EpisodeStatus.Completed),
        episodes.Count(e => e.Status == EpisodeStatus.EvaluationFailed),
        episodes.Count(e => e.Status == EpisodeStatus.Failed),
        episodes.Count(e => e.Status == EpisodeStatus.Cancelled));
}
