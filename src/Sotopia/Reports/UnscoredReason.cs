using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Why a group of episodes has no scored seat (n = 0), in words, from what the episodes recorded: their
/// failure reasons and the judge's evaluation failures. A report shows it next to "n/a" instead of a 0.00 that no
/// episode earned.</summary>
public static class UnscoredReason
{
    private const int MaxReasonsListed = 2;

    /// <summary>"all 100 episodes failed: endpoint refused", "all 12 evaluations failed: the judge's answer is not
    /// JSON", "not played yet: 4 pending", "none of 10 episodes was scored: 6 failed (…), 4 evaluations failed (…)".</summary>
    public static string Describe(IReadOnlyCollection<EpisodeRecord> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return Describe([.. episodes.Select(e => EpisodeReportRow.From(e))]);
    }

    /// <summary><see cref="Describe(IReadOnlyCollection{EpisodeRecord})"/> from the episodes' report rows, which keep
    /// the first line of each failure reason (<see cref="EpisodeReportRow.ShortReason"/>).</summary>
    public static string Describe(IReadOnlyCollection<EpisodeReportRow> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var total = episodes.Count;
        if (total == 0)
        {
            return "no episodes";
        }
        var failed = episodes.Where(e => e.Status == EpisodeStatus.Failed).Select(e => e.FailureReason).ToList();
        var judgeFailed = episodes.Where(e => e.Status == EpisodeStatus.EvaluationFailed).Select(e => e.FailureReason).ToList();
        var cancelled = episodes.Count(e => e.Status == EpisodeStatus.Cancelled);
        var pending = episodes.Count(e => e.Status == EpisodeStatus.Pending);
        var running = episodes.Count(e => e.Status == EpisodeStatus.Running);
        var unscored = total - failed.Count - judgeFailed.Count - cancelled - pending - running;
        if (failed.Count == total)
        {
            return $"all {total} episodes failed: {Reasons(failed)}";
        }
        if (judgeFailed.Count == total)
        {
            return $"all {total} evaluations failed: {Reasons(judgeFailed)}";
        }
        if (cancelled == total)
        {
            return $"all {total} episodes were cancelled";
        }
        if (pending + running == total)
        {
            return $"not played yet: {Parts((pending, "pending"), (running, "running"))}";
        }
        var parts = new List<string>();
        if (failed.Count > 0)
        {
            parts.Add($"{failed.Count} failed ({Reasons(failed)})");
        }
        if (judgeFailed.Count > 0)
        {
            parts.Add($"{judgeFailed.Count} evaluation{(judgeFailed.Count == 1 ? "" : "s")} failed ({Reasons(judgeFailed)})");
        }
        parts.Add(Parts((cancelled, "cancelled"), (pending + running, "unfinished"), (unscored, "judged without a score for the evaluated seat")));
        return $"none of {total} episodes was scored: {string.Join(", ", parts.Where(p => p.Length > 0))}";
    }

    /// <summary>The reason for an evaluated policy with n = 0 when only its stored counts are known (the record
    /// keeps no failure text): how many episodes there were and how many the judge could not score.</summary>
    public static string FromCounts(PolicyEvaluationResult evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var (total, judgeFailed) = (evaluation.Episodes, evaluation.EvaluationFailed);
        return total == 0 ? "no evaluation episodes"
            : judgeFailed == total ? $"all {total} evaluations failed"
            : judgeFailed == 0 ? $"all {total} episodes failed or were cancelled"
            : $"none of {total} episodes was scored: {judgeFailed} evaluations failed, {total - judgeFailed} episodes failed or were cancelled";
    }

    private static string Parts(params (int Count, string Text)[] parts) =>
        string.Join(", ", parts.Where(p => p.Count > 0).Select(p => $"{p.Count} {p.Text}"));

    /// <summary>The distinct recorded reasons, most frequent first: "endpoint refused", or "endpoint refused (80),
    /// timed out (20)", or "… and 3 other reasons".</summary>
    private static string Reasons(IReadOnlyCollection<string?> reasons)
    {
        var distinct = reasons
            .GroupBy(r => Shorten(r), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Reason: g.Key, Count: g.Count()))
            .ToList();
        if (distinct.Count == 1)
        {
            return distinct[0].Reason;
        }
        var listed = string.Join(", ", distinct.Take(MaxReasonsListed).Select(d => $"{d.Reason} ({d.Count})"));
        var others = distinct.Count - MaxReasonsListed;
        return others > 0 ? $"{listed} and {others} other reason{(others == 1 ? "" : "s")}" : listed;
    }

    private static string Shorten(string? reason) => EpisodeReportRow.ShortReason(reason) ?? "no reason recorded";
}
