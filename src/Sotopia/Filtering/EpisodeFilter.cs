using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Filtering;

/// <summary>SOTOPIA-π's "top 20% per task" filter (reference §d3): per scenario and per seat, rank the judged
/// episodes by that seat's goal, then its overall score, and keep the best.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Candidates for (scenario, seat) are the episodes of that scenario whose outcome succeeded and whose
/// <see cref="EpisodeRecord.ScoredSeats"/> include the seat. Episodes without an outcome or with a failed evaluation
/// are skipped — never treated as a score of 0.</item>
/// <item>Order: goal descending, overall descending, episode id ascending (ordinal) so ties resolve the same way on
/// every run. <see cref="FilterOptions.Invert"/> keeps the worst instead (goal, then overall ascending; ties still by
/// episode id ascending).</item>
/// <item>How many: <see cref="FilterOptions.TopK"/>, or <c>ceil(TopFraction × n)</c> with n the number of
/// candidates when <see cref="FilterOptions.TopFraction"/> is set (computed so that 0.28 × 25 keeps 7, not 8).</item>
/// <item><see cref="FilterOptions.MinGoal"/> then also drops every kept candidate whose goal is below it, so the
/// count may fall short of K.</item>
/// <item>Seats are independent: the best seat-0 and the best seat-1 trajectories may come from different episodes.</item>
/// </list>
/// The result is ordered by scenario id (ordinal), seat, then rank.
/// </remarks>
public static class EpisodeFilter
{
    public static IReadOnlyList<FilteredTrajectory> Filter(IEnumerable<EpisodeRecord> episodes, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        options ??= FilterOptions.Default;
        Validate(options);

        var kept = new List<FilteredTrajectory>();
        var judged = episodes.Where(e => e.Outcome is { Succeeded: true }).ToList();
        foreach (var scenario in judged.GroupBy(e => e.ScenarioId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            for (var seat = 0; seat < 2; seat++)
            {
                var candidates = scenario
                    .Where(e => !e.ScoredSeats.IsDefault && e.ScoredSeats.Contains(seat))
                    .Select(e =>
                    {
                        var evaluation = e.Outcome!.Evaluation!.ForSeat(seat);
                        return new FilteredTrajectory(e.Id, e.ScenarioId, seat, evaluation.Goal, evaluation.Overall);
                    })
                    .ToList();
                if (candidates.Count == 0)
                {
                    continue;
                }
                var ranked = options.Invert
                    ? candidates.OrderBy(c => c.Goal).ThenBy(c => c.Overall)
                    : candidates.OrderByDescending(c => c.Goal).ThenByDescending(c => c.Overall);
                kept.AddRange(ranked
                    .ThenBy(c => c.EpisodeId, StringComparer.Ordinal)
                    .Take(KeepCount(candidates.Count, options))
                    .Where(c => options.MinGoal is not { } min || c.Goal >= min));
            }
        }
        return kept;
    }

    /// <summary>How many of <paramref name="candidates"/> the options keep per scenario and seat.</summary>
    public static int KeepCount(int candidates, FilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TopFraction is not { } fraction)
        {
            return Math.Min(options.TopK, candidates);
        }
        // Round away floating-point noise first: 0.28 * 25 is 7.000000000000001 in binary floating point.
        var exact = Math.Round(fraction * candidates, 9);
        return Math.Min((int)Math.Ceiling(exact), candidates);
    }

    private static void Validate(FilterOptions options)
    {
        if (options.TopFraction is { } fraction && !(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), fraction, "FilterOptions.TopFraction must be in (0, 1].");
        }
        if (options.TopFraction is null && options.TopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, "FilterOptions.TopK must be at least 1.");
        }
    }
}
