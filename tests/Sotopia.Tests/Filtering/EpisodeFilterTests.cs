using System.Collections.Immutable;
using SotopiaPi.Sotopia.Filtering;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Filtering;

public sealed class EpisodeFilterTests
{
    /// <summary>A judged episode: (goal, knowledge) per seat; knowledge moves the overall score, all else is 0.</summary>
    private static EpisodeRecord Judged(string id, string scenario, (int Goal, int Knowledge) seat0, (int Goal, int Knowledge) seat1, int[]? scored = null) =>
        Episode(id, scenario, EvaluationOutcome.Success(new EpisodeEvaluation(Seat(seat0), Seat(seat1), "judge")), scored);

    private static EpisodeRecord Episode(string id, string scenario, EvaluationOutcome? outcome, int[]? scored = null) => new()
    {
        Id = id,
        CampaignId = "c",
        Round = 0,
        Phase = "bc",
        TaskId = $"{scenario}-task",
        ScenarioId = scenario,
        Agent1Id = "a",
        Agent2Id = "b",
        Seats = [],
        Seed = 1,
        Outcome = outcome,
        ScoredSeats = scored is null ? [0, 1] : [.. scored],
    };

    private static SeatEvaluation Seat((int Goal, int Knowledge) s)
    {
        var scores = new DimensionScore[7];
        for (var i = 0; i < 7; i++)
        {
            scores[i] = new DimensionScore(0, "r");
        }
        scores[(int)SotopiaDimension.Goal] = new DimensionScore(s.Goal, "r");
        scores[(int)SotopiaDimension.Knowledge] = new DimensionScore(s.Knowledge, "r");
        return new SeatEvaluation(ImmutableArray.Create(scores));
    }

    private static EvaluationOutcome FailedOutcome => EvaluationOutcome.Failed(new EvaluationFailure("bad json"));

    private static List<(string Episode, int Seat)> Kept(IEnumerable<EpisodeRecord> episodes, FilterOptions? options = null) =>
        [.. EpisodeFilter.Filter(episodes, options).Select(t => (t.EpisodeId, t.Seat))];

    [Fact]
    public void TheDefaultKeepsTheBestEpisodePerScenarioAndSeat()
    {
        var result = EpisodeFilter.Filter(
        [
            Judged("e1", "s1", (5, 0), (5, 0)),
            Judged("e2", "s1", (9, 1), (2, 0)),
            Judged("e3", "s1", (3, 0), (8, 2)),
            Judged("e4", "s2", (1, 0), (1, 0)),
        ]);
        Assert.Equal(
            [
                new FilteredTrajectory("e2", "s1", 0, 9, 10 / 7.0),
                new FilteredTrajectory("e3", "s1", 1, 8, 10 / 7.0),
                new FilteredTrajectory("e4", "s2", 0, 1, 1 / 7.0),
                new FilteredTrajectory("e4", "s2", 1, 1, 1 / 7.0),
            ],
            result);
    }

    [Fact]
    public void FailedOrMissingEvaluationsAreSkippedNotTreatedAsZero()
    {
        var episodes = new[]
        {
            Episode("a-failed", "s1", FailedOutcome),
            Episode("b-missing", "s1", null),
            Judged("c-zero", "s1", (0, 0), (0, 0)),
            Judged("d-good", "s1", (6, 0), (6, 0)),
        };
        // The worst judged episode is the zero one: a failure counted as 0 would tie and win on id.
        Assert.Equal([("c-zero", 0), ("c-zero", 1)], Kept(episodes, new FilterOptions { Invert = true }));
        // Only the two judged episodes count towards n.
        Assert.Equal([("d-good", 0), ("c-zero", 0), ("d-good", 1), ("c-zero", 1)], Kept(episodes, new FilterOptions { TopFraction = 1.0 }));
        Assert.Empty(EpisodeFilter.Filter([Episode("x", "s9", FailedOutcome)]));
    }

    [Fact]
    public void SeatsAreRankedIndependently()
    {
        var kept = Kept([Judged("e1", "s", (9, 0), (1, 0)), Judged("e2", "s", (2, 0), (7, 0))]);
        Assert.Equal([("e1", 0), ("e2", 1)], kept);
    }

    [Fact]
    public void OnlyScoredSeatsAreCandidates()
    {
        var kept = Kept([Judged("e1", "s", (9, 0), (9, 0), scored: [1]), Judged("e2", "s", (2, 0), (2, 0))]);
        Assert.Equal([("e2", 0), ("e1", 1)], kept);
    }

    [Fact]
    public void TiesOnGoalAreBrokenByOverallThenByEpisodeId()
    {
        var episodes = new[]
        {
            Judged("e3", "s", (8, 1), (5, 0)),
            Judged("e1", "s", (8, 4), (5, 0)),
            Judged("e2", "s", (8, 4), (5, 0)),
        };
        Assert.Equal(["e1", "e2", "e3"], EpisodeFilter.Filter(episodes, new FilterOptions { TopK = 3 }).Where(t => t.Seat == 0).Select(t => t.EpisodeId));
        Assert.Equal(["e1", "e2", "e3"], EpisodeFilter.Filter(episodes, new FilterOptions { TopK = 3 }).Where(t => t.Seat == 1).Select(t => t.EpisodeId));
        Assert.Equal(["e3", "e1"], EpisodeFilter.Filter(episodes, new FilterOptions { TopK = 2, Invert = true }).Where(t => t.Seat == 0).Select(t => t.EpisodeId));
    }

    [Theory]
    [InlineData(0.2, 10, 2)]
    [InlineData(0.7, 10, 7)]
    [InlineData(0.28, 25, 7)]
    [InlineData(0.25, 10, 3)]
    [InlineData(0.2, 3, 1)]
    [InlineData(1.0, 4, 4)]
    public void TopFractionKeepsTheCeilingOfTheShare(double fraction, int n, int expected)
    {
        Assert.Equal(expected, EpisodeFilter.KeepCount(n, new FilterOptions { TopFraction = fraction }));
        var episodes = Enumerable.Range(0, n).Select(i => Judged($"e{i:D2}", "s", (i % 11, 0), (0, 0)));
        var kept = EpisodeFilter.Filter(episodes, new FilterOptions { TopFraction = fraction }).Where(t => t.Seat == 0).ToList();
        Assert.Equal(expected, kept.Count);
        Assert.Equal(kept.Select(t => t.Goal).OrderDescending(), kept.Select(t => t.Goal));
        Assert.Equal(Math.Min(n - 1, 10), kept[0].Goal);
    }

    [Fact]
    public void TopKLargerThanTheGroupKeepsEverything() =>
        Assert.Equal(2, EpisodeFilter.Filter([Judged("e1", "s", (1, 0), (1, 0))], new FilterOptions { TopK = 5 }).Count);

    [Fact]
    public void MinGoalDropsKeptCandidatesBelowIt()
    {
        var episodes = new[] { Judged("e1", "s", (9, 0), (6, 0)), Judged("e2", "s", (7, 0), (5, 0)), Judged("e3", "s", (4, 0), (3, 0)) };
        Assert.Equal([("e1", 0), ("e2", 0)], Kept(episodes, new FilterOptions { TopK = 3, MinGoal = 7 }));
        Assert.Equal([("e1", 0)], Kept(episodes, new FilterOptions { MinGoal = 6.5 }));
    }

    [Fact]
    public void InvertKeepsTheWorst()
    {
        var episodes = new[] { Judged("e1", "s", (9, 0), (6, 0)), Judged("e2", "s", (7, 0), (5, 0)), Judged("e3", "s", (4, 0), (8, 0)) };
        Assert.Equal([("e3", 0), ("e2", 1)], Kept(episodes, new FilterOptions { Invert = true }));
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeFilter.Filter([], new FilterOptions { TopK = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeFilter.Filter([], new FilterOptions { TopFraction = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeFilter.Filter([], new FilterOptions { TopFraction = 1.5 }));
    }
}
