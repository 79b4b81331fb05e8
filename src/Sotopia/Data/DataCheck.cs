using System.Globalization;

namespace SotopiaPi.Sotopia.Data;

/// <summary>The <c>sotopia data check</c> report: loads data, prints what was found and every problem, and
/// returns an exit code.</summary>
public static class DataCheck
{
    /// <summary>The data loaded without errors (warnings allowed).</summary>
    public const int ExitValid = 0;

    /// <summary>The data was read but has errors.</summary>
    public const int ExitInvalid = 1;

    /// <summary>The data could not be read at all (missing path, unreadable file).</summary>
    public const int ExitUnreadable = 2;

    /// <summary>Problems printed one by one; the rest are summarised in one line with their count and kinds.</summary>
    public const int MaxListedProblems = 50;

    /// <summary>Kinds named in that summary line.</summary>
    private const int MaxListedKinds = 5;

    /// <summary>Prints record counts (<c>characters: 40</c>, <c>relationships: 120</c>, <c>scenarios: 90</c>,
    /// <c>tasks: 450</c>), the named sets with their sizes, the first <see cref="MaxListedProblems"/> problems (one
    /// per line, prefixed by <c>error:</c> or <c>warning:</c>), one line counting the rest by kind
    /// (<c>… and 844,950 more problems (2 kinds: invalid UTF-8 ×844,000, invalid JSON ×950)</c>), and a last line
    /// <c>OK</c> or <c>N error(s)</c> counting every error. Never prints a stack trace.</summary>
    /// <returns><see cref="ExitValid"/>, <see cref="ExitInvalid"/> or <see cref="ExitUnreadable"/>.</returns>
    public static int Run(string path, IEnumerable<string> extraSetFiles, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        DataLoadResult result;
        try
        {
            result = SotopiaDataLoader.Load(path ?? "", extraSetFiles ?? []);
        }
        catch (DataLoadException exception)
        {
            output.WriteLine($"error: {exception.Message}");
            output.WriteLine("1 error(s)");
            return ExitUnreadable;
        }

        var dataset = result.Dataset;
        output.WriteLine($"source: {result.Source}");
        output.WriteLine(Count("characters", dataset.Characters.Length));
        output.WriteLine(Count("relationships", dataset.Relationships.Length));
        output.WriteLine(Count("scenarios", dataset.Scenarios.Length));
        output.WriteLine(Count("tasks", dataset.Tasks.Length));
        output.WriteLine(Count("named sets", dataset.NamedSets.Count));
        foreach (var (name, ids) in dataset.NamedSets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var builtIn = name == SotopiaDataLoader.AllScenariosSet && ids.Length == dataset.Scenarios.Length ? " (every scenario)" : "";
            output.WriteLine($"  {name}: {ids.Length.ToString(CultureInfo.InvariantCulture)}{builtIn}");
        }

        foreach (var problem in result.Problems.Take(MaxListedProblems))
        {
            output.WriteLine($"{(problem.IsError ? "error" : "warning")}: {problem}");
        }

        if (DescribeUnlisted(result, MaxListedProblems) is { } more)
        {
            output.WriteLine(more);
        }

        var errors = result.ErrorCount;
        output.WriteLine(errors == 0 ? "OK" : $"{errors.ToString("N0", CultureInfo.InvariantCulture)} error(s)");
        return errors == 0 ? ExitValid : ExitInvalid;
    }

    /// <summary>The line that stands for the problems after the first <paramref name="listed"/>, or null when
    /// there are none: <c>… and 2,950 more problems (2 kinds: agent_goals ×1,967, invalid JSON ×983)</c>.</summary>
    internal static string? DescribeUnlisted(DataLoadResult result, int listed)
    {
        var kinds = result.Problems.Skip(listed)
            .Select(p => (p.Kind, Count: 1))
            .Concat(result.OmittedProblems.Select(c => (c.Kind, c.Count)))
            .GroupBy(k => k.Kind, StringComparer.Ordinal)
            .Select(g => (Kind: g.Key, Count: g.Sum(k => k.Count)))
            .OrderByDescending(k => k.Count)
            .ThenBy(k => k.Kind, StringComparer.Ordinal)
            .ToList();
        var total = kinds.Sum(k => k.Count);
        if (total == 0)
        {
            return null;
        }

        var named = string.Join(", ", kinds.Take(MaxListedKinds).Select(k => $"{k.Kind} ×{k.Count.ToString("N0", CultureInfo.InvariantCulture)}"));
        var others = kinds.Count > MaxListedKinds ? ", …" : "";
        var kindCount = kinds.Count == 1 ? "1 kind" : $"{kinds.Count.ToString(CultureInfo.InvariantCulture)} kinds";
        return $"… and {total.ToString("N0", CultureInfo.InvariantCulture)} more problem{(total == 1 ? "" : "s")} ({kindCount}: {named}{others})";
    }

    private static string Count(string label, int count) => $"{label}: {count.ToString(CultureInfo.InvariantCulture)}";
}
