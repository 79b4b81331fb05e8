using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Tests.Reports;

/// <summary>A hand-made BC + 1 SR campaign whose every number is known: evaluation on the set "mixed" (hard
/// scenario h1 and training-like scenario t1), one task each, every policy from both seats.</summary>
public sealed class CampaignReportBuilderTests
{
    private const string Id = "c1";
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");

    private static readonly ImmutableDictionary<string, ImmutableArray<string>> NamedSets =
        ImmutableDictionary<string, ImmutableArray<string>>.Empty
            .Add("mixed", ["h1", "t1"])
            .Add("hard", ["h1", "h2", "h3"]);

    private static SeatBinding Policy(int version) => new(AgentRoles.Policy, "pi", version, $"sim-policy@v{version}");

    /// <summary>A seat scored <paramref name="goal"/> on GOAL, 7 on believability, 0 elsewhere: overall = (goal + 7) / 7.</summary>
    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 0, 0, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    private static EpisodeRecord Episode(string id, int round, string phase, string scenario, SeatBinding seat0, SeatBinding seat1, int[] scoredSeats, int goal0, int goal1, EpisodeStatus status = EpisodeStatus.Completed) => new()
    {
        Id = id,
        CampaignId = Id,
        Round = round,
        Phase = phase,
        TaskId = $"task-{scenario}",
        ScenarioId = scenario,
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [seat0, seat1],
        ScoredSeats = [.. scoredSeats],
        Seed = 1,
        Status = status,
        Outcome = status == EpisodeStatus.Completed
            ? EvaluationOutcome.Success(new EpisodeEvaluation(Seat(goal0), Seat(goal1), "judge"))
            : status == EpisodeStatus.EvaluationFailed ? EvaluationOutcome.Failed(new EvaluationFailure("unparseable")) : null,
    };

    /// <summary>Evaluation episodes of one policy: h1 from seat 1 and 2, t1 from seat 1 and 2, with these goals.</summary>
    private static IEnumerable<EpisodeRecord> Evaluation(string label, SeatBinding who, int h1s0, int h1s1, int t1s0, int t1s1)
    {
        yield return Episode($"e-{label}-h1-s0", 2, "eval", "h1", who, Partner, [0], h1s0, 5);
        yield return Episode($"e-{label}-h1-s1", 2, "eval", "h1", Partner, who, [1], 5, h1s1);
        yield return Episode($"e-{label}-t1-s0", 2, "eval", "t1", who, Partner, [0], t1s0, 5);
        yield return Episode($"e-{label}-t1-s1", 2, "eval", "t1", Partner, who, [1], 5, t1s1);
    }

    private static CampaignRecord Campaign() => new()
    {
        Id = Id,
        Spec = new CampaignSpec { Name = "t", Mode = CampaignMode.BcSr, SrRounds = 1, EvaluationSet = "mixed", PolicyName = "pi" },
        Status = CampaignStatus.Completed,
        Stage = 3,
        Rounds =
        [
            new RoundResult { Round = 0, Phase = "bc", Scenarios = 1, Episodes = 2, FilteredTrajectories = 1, FilteredGoal = 9, TrainingExamples = 4, TrainingRequestId = "r0", ProducedVersion = 1 },
            new RoundResult { Round = 1, Phase = "sr", PlayedVersion = 1, Scenarios = 1, Episodes = 1 },
        ],
        Evaluations =
        [
            new PolicyEvaluationResult { Label = "base", Role = AgentRoles.Policy, Version = 0, Scores = new ScoreSummary() },
            new PolicyEvaluationResult { Label = "bc", Role = AgentRoles.Policy, Version = 1, Scores = new ScoreSummary() },
            new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() },
        ],
    };

    private static List<EpisodeRecord> Episodes() =>
    [
        Episode("bc-1", 0, "bc", "x1", Expert, Expert, [0, 1], 9, 7),
        Episode("bc-2", 0, "bc", "x1", Expert, Expert, [0, 1], 8, 10),
        Episode("sr-1", 1, "sr", "x2", Policy(1), Policy(1), [0, 1], 3, 4),
        .. Evaluation("base", Policy(0), 2, 4, 6, 8),
        .. Evaluation("bc", Policy(1), 3, 5, 9, 9),
        // A version the record does not list (the evaluation is still being summarised): v2, labelled from the plan.
        .. Evaluation("v2", Policy(2), 4, 4, 10, 10),
        .. Evaluation("expert", Expert, 6, 6, 8, 8),
        Episode("e-bc-t2-s0", 2, "eval", "t1", Policy(1), Partner, [0], 0, 0, EpisodeStatus.EvaluationFailed),
        Episode("other", 2, "eval", "h1", Policy(0), Partner, [0], 0, 0) with { CampaignId = "another" },
    ];

    [Fact]
    public void PoliciesComeInVersionOrderThenTheExpertWithLabelsFromTheRecordOrThePlan()
    {
        var campaign = Campaign() with { Rounds = Campaign().Rounds.SetItem(1, Campaign().Rounds[1] with { ProducedVersion = 2 }) };
        var report = CampaignReportBuilder.Build(campaign, Episodes(), NamedSets);
        Assert.Equal(["base (v0)", "bc (v1)", "bc+sr1 (v2)", "expert"], report.Policies.Select(p => p.Display));
        Assert.Equal(20, report.Episodes.Total);
        Assert.Equal(1, report.Episodes.EvaluationFailed);

        var unlabelled = CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets);
        Assert.Equal(["base", "bc", "v2", "expert"], unlabelled.Policies.Select(p => p.Label));
    }

    [Fact]
    public void ThePaperTableHasAllAndHardRowsWithExactMeansAndIntervals()
    {
        var report = CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets);
        Assert.Equal([ReportSets.All, ReportSets.Hard], report.Sets.Select(s => s.Name));
        Assert.Equal([2, 1], report.Sets.Select(s => s.Scenarios));
        Assert.Equal(4 * 2, report.Scores.Length);

        var policies = report.Policies.ToDictionary(p => p.Label);
        var baseAll = report.ScoresFor(policies["base"], ReportSets.All)!;
        Assert.Equal((4, 4, 0), (baseAll.Scores.N, baseAll.Episodes, baseAll.EvaluationFailed));
        Assert.Equal(5.0, baseAll.Scores.Goal.Mean, 12);
        Assert.Equal(3.182446 * Math.Sqrt(20.0 / 3) / 2, baseAll.Scores.Goal.Ci95, 5);
        Assert.Equal((5.0 + 7) / 7, baseAll.Scores.Overall.Mean, 12);
        Assert.Equal(3.182446 * (Math.Sqrt(20.0 / 3) / 7) / 2, baseAll.Scores.Overall.Ci95, 5);

        var baseHard = report.ScoresFor(policies["base"], ReportSets.Hard)!;
        Assert.Equal(2, baseHard.Scores.N);
        Assert.Equal(3.0, baseHard.Scores.Goal.Mean, 12);
        Assert.Equal(12.706205, baseHard.Scores.Goal.Ci95, 5); // goals 2, 4: sd √2, n 2 → t(1)·√2/√2

        var bcAll = report.ScoresFor(policies["bc"], ReportSets.All)!;
        Assert.Equal((4, 5, 1), (bcAll.Scores.N, bcAll.Episodes, bcAll.EvaluationFailed));
        Assert.Equal(6.5, bcAll.Scores.Goal.Mean, 12);
        // A simulator campaign calls no model: zero tokens and zero cost, known without reading its turns.
        Assert.All(report.Scores, s => Assert.Equal(UsageTotals.Simulator, s.Usage));
        Assert.Equal((0L, 0m), (report.Usage.TotalTokens, report.Usage.CostUsd));
    }

    [Fact]
    public void HardRowsAppearOnlyWhenTheEvaluationSetIsLargerThanItsHardPart()
    {
        var onlyHard = Episodes().Where(e => e.Phase != "eval" || e.ScenarioId == "h1").ToList();
        var report = CampaignReportBuilder.Build(Campaign(), onlyHard, NamedSets);
        Assert.Equal([ReportSets.All], report.Sets.Select(s => s.Name));

        var sotopiaNames = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("sotopia_hard_env", ["h1"]);
        Assert.Equal([ReportSets.All, ReportSets.Hard], CampaignReportBuilder.Build(Campaign(), Episodes(), sotopiaNames).Sets.Select(s => s.Name));

        var noHard = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("mixed", ["h1", "t1"]);
        Assert.Equal([ReportSets.All], CampaignReportBuilder.Build(Campaign(), Episodes(), noHard).Sets.Select(s => s.Name));
    }

    [Fact]
    public void PairedComparisonsUseTheSameTaskAndSeat()
    {
        var report = CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets);
        var all = report.Paired.Where(p => p.Set == ReportSets.All).ToList();
        Assert.Equal(
            [("base", "bc", "consecutive, vs base"), ("bc", "v2", "consecutive"), ("base", "v2", "vs base"), ("expert", "v2", "vs expert")],
            all.Select(p => (p.From.Label, p.To.Label, p.Kind)));

        // base → bc: goal differences 1, 1, 3, 1 → mean 1.5, sd 1, t(0.975; 3) = 3.182446
        var first = all[0];
        Assert.Equal(4, first.N);
        Assert.Equal(1.5, first.Goal.Mean, 12);
        Assert.Equal(3.182446 / 2, first.Goal.Ci95!.Value, 5);
        Assert.Equal(1.5 / 7, first.Overall.Mean, 12);
        Assert.Equal(3.182446 / 7 / 2, first.Overall.Ci95!.Value, 5);

        // expert → v2: differences −2, −2, 2, 2 → mean 0, sd √(16/3)
        var expert = all[3];
        Assert.Equal(0.0, expert.Goal.Mean, 12);
        Assert.Equal(3.182446 * Math.Sqrt(16.0 / 3) / 2, expert.Goal.Ci95!.Value, 5);

        // hard: only h1's two seats: base → bc differences 1, 1 → CI 0
        var hard = report.Paired.First(p => p.Set == ReportSets.Hard);
        Assert.Equal((2, 1.0, 0.0), (hard.N, hard.Goal.Mean, hard.Goal.Ci95!.Value));
    }

    [Fact]
    public void RoundsCountKeptTrajectoriesAgainstScoredSeatsAndHistogramsCountScores()
    {
        var report = CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets);
        var bc = report.Rounds[0];
        Assert.Equal(("bc", "expert", 2, 4), (bc.Label, bc.PlayedBy, bc.Judged, bc.Scores.N));
        Assert.Equal(8.5, bc.Scores.Goal.Mean, 12);
        Assert.Equal((1, 0.25, 9.0), (bc.Kept!.Value, bc.KeptShare!.Value, bc.KeptGoal!.Value));
        var sr = report.Rounds[1];
        Assert.Equal(("bc+sr1", "policy v1"), (sr.Label, sr.PlayedBy));
        Assert.Null(sr.Kept); // not filtered yet
        Assert.Null(sr.KeptShare);

        Assert.Equal(["bc", "bc+sr1", "eval: base", "eval: bc", "eval: v2", "eval: expert"], report.HistogramGroups);
        Assert.Equal(6 * 7, report.Histograms.Length);
        var bcGoal = report.Histograms.Single(h => h.Group == "bc" && h.Dimension.Dimension == SotopiaDimension.Goal);
        Assert.Equal(11, bcGoal.Counts.Length);
        Assert.Equal("0,0,0,0,0,0,0,1,1,1,1", string.Join(",", bcGoal.Counts));
        Assert.Equal(8.5, bcGoal.Mean, 12);
        var secret = report.Histograms.Single(h => h.Group == "eval: expert" && h.Dimension.Dimension == SotopiaDimension.Secret);
        Assert.Equal(4, secret.CountOf(0));
        Assert.Equal(-10, secret.Dimension.Min);
    }

    [Fact]
    public void HumanRatingsGiveTheJudgeMinusHumanGapPerPolicyAndExplainWhatWasNotUsed()
    {
        const string csv =
            "episode_id,seat,annotator,goal,believability,relationship,knowledge,secret,social_rules,financial_and_material_benefits\n" +
            "e-base-h1-s0,1,ann1,1,7,0,0,0,0,0\n" +   // judge goal 2
            "e-base-h1-s0,1,ann2,2,,,,,,\n" +         // same seat, second annotator → human 1.5
            "e-base-t1-s1,2,ann1,6,,,,,,\n" +         // judge 8
            "e-bc-h1-s1,2,ann1,5,,,,,,\n" +           // judge 5 → gap 0
            "e-base-h1-s1,1,ann1,3,,,,,,\n" +         // seat 1 is the partner's there
            "nope,1,ann1,3,,,,,,\n" +                 // not in the campaign
            "other,1,ann1,3,,,,,,\n" +                // another campaign's episode
            "bc-1,1,ann1,3,,,,,,\n" +                 // a training episode
            "e-bc-t2-s0,1,ann1,3,,,,,,\n";            // the judge failed on it
        var ratings = HumanRatingReader.ParseCsv("h.csv", csv);
        Assert.True(ratings.IsValid, string.Join("\n", ratings.Problems));
        var report = CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets, ratings);
        var human = report.Human!;

        Assert.Equal((9, 4), (human.Ratings, human.Used));
        var baseGoal = human.Gaps.Single(g => g.Policy.Label == "base" && g.Metric == "goal");
        Assert.Equal((2, 3, 2), (baseGoal.N, baseGoal.Ratings, baseGoal.Annotators));
        Assert.Equal(5.0, baseGoal.JudgeMean, 12);
        Assert.Equal(3.75, baseGoal.HumanMean, 12);
        // per-seat gaps 0.5 and 2: mean 1.25, sd √1.125, t(0.975; 1) = 12.706205
        Assert.Equal(1.25, baseGoal.Gap.Mean, 12);
        Assert.Equal(12.706205 * Math.Sqrt(1.125) / Math.Sqrt(2), baseGoal.Gap.Ci95!.Value, 5);

        var bcGoal = human.Gaps.Single(g => g.Policy.Label == "bc" && g.Metric == "goal");
        Assert.Equal((1, 0.0), (bcGoal.N, bcGoal.Gap.Mean));
        Assert.Null(bcGoal.Gap.Ci95);

        // overall only for the one rating with all 7 dimensions: judge (2 + 7) / 7, human (1 + 7) / 7
        var overall = human.Gaps.Single(g => g.Policy.Label == "base" && g.Metric == HumanJudgeGap.OverallMetric);
        Assert.Equal((1, 1), (overall.N, overall.Ratings));
        Assert.Equal(1.0 / 7, overall.Gap.Mean, 12);
        Assert.DoesNotContain(human.Gaps, g => g.Policy.Label is "v2" or "expert");

        Assert.Equal(4, human.Notes.Length);
        Assert.Contains("2 rating(s) not used: not an episode of this campaign (e.g. line 7, episode 'nope', seat 1)", human.Notes);
        Assert.Contains("1 rating(s) not used: rates the partner's seat, which is not evaluated (e.g. line 6, episode 'e-base-h1-s1', seat 1)", human.Notes);
        Assert.Contains("1 rating(s) not used: not an evaluation episode (it is from the 'bc' round 0) (e.g. line 9, episode 'bc-1', seat 1)", human.Notes);
        Assert.Contains("1 rating(s) not used: the judge has no scores for the episode (e.g. line 10, episode 'e-bc-t2-s0', seat 1)", human.Notes);
    }

    [Fact]
    public void InvalidRatingsAreRefused()
    {
        var bad = HumanRatingReader.ParseCsv("bad.csv", "episode_id,seat,annotator,goal\nx,9,a,1\n");
        Assert.Throws<ArgumentException>(() => CampaignReportBuilder.Build(Campaign(), Episodes(), NamedSets, bad));
    }

    [Fact]
    public void ACampaignWithoutEvaluationEpisodesHasRoundsButNoPolicies()
    {
        var running = Campaign() with { Evaluations = [], Status = CampaignStatus.Running, Stage = 1 };
        var report = CampaignReportBuilder.Build(running, Episodes().Where(e => e.Phase != "eval").ToList(), NamedSets);
        Assert.Empty(report.Policies);
        Assert.Empty(report.Scores);
        Assert.Empty(report.Paired);
        Assert.Equal(2, report.Rounds.Length);
        // Nothing was evaluated yet: the sets come from the named evaluation set.
        Assert.Equal([ReportSets.All, ReportSets.Hard], report.Sets.Select(s => s.Name));
        Assert.Equal([2, 1], report.Sets.Select(s => s.Scenarios));
    }
}
