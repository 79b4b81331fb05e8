using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Commands;

/// <summary>What <c>sotopia run</c> and <c>campaign start</c> exit with (see README, "Exit codes"), and the check that
/// turns a campaign that "completed" with too many failures into a failed run.</summary>
internal static class CampaignOutcome
{
    public const int Completed = 0;
    public const int Error = 1;
    public const int TooManyFailures = 3;
    public const int PausedByBudget = 4;
    public const int Interrupted = 130;

    /// <summary>Default of <c>--max-failed</c>: the share (percent) of played episodes that may fail, and of played
    /// episodes whose evaluation may fail, before the run counts as failed.</summary>
    public const double DefaultMaxFailedPercent = 10;

    /// <summary>Why a finished campaign's failures make the run fail, or null when they do not: nothing scored at all,
    /// or failed episodes or failed evaluations above <paramref name="maxFailedPercent"/> of the played episodes.</summary>
    public static string? Check(EpisodeCounts counts, double maxFailedPercent)
    {
        var played = counts.Completed + counts.EvaluationFailed + counts.Failed;
        if (played == 0)
        {
            return null;
        }
        if (counts.Completed == 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"nothing was scored: of {played} played episodes {counts.Failed} failed and {counts.EvaluationFailed} had their evaluation fail");
        }
        var problems = new List<string>();
        Add(counts.Failed, "episodes failed");
        Add(counts.EvaluationFailed, "evaluations failed");
        return problems.Count == 0 ? null : string.Join("; ", problems);

        void Add(int failed, string what)
        {
            var percent = 100.0 * failed / played;
            if (percent > maxFailedPercent)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{failed} of {played} {what} ({percent:0.#}%, above --max-failed {maxFailedPercent:0.#}%)"));
            }
        }
    }

    public static System.CommandLine.Option<double> CreateMaxFailedOption() => new("--max-failed")
    {
        Description = "Exit with code 3 when more than this percentage of the played episodes failed, or had their evaluation fail (default 10).",
        DefaultValueFactory = _ => DefaultMaxFailedPercent,
    };

    /// <summary>Checks <c>--max-failed</c> before anything runs.</summary>
    public static void CheckMaxFailed(double percent)
    {
        if (!double.IsFinite(percent) || percent is < 0 or > 100)
        {
            throw new UserFacingException(string.Create(CultureInfo.InvariantCulture, $"--max-failed must be a percentage from 0 to 100 (was {percent})."));
        }
    }
}
