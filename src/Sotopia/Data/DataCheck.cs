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

    /// <summary>Prints record counts (<c>characters: 40</c>, <c>relationships: 120</c>, <c>scenarios: 90</c>,
    /// <c>tasks: 450</c>), the named sets with their sizes, every problem (one per line, prefixed by
    /// <c>error:</c> or <c>warning:</c>) and a last line <c>OK</c> or <c>N error(s)</c>. Never prints a stack
    /// trace.</summary>
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
            output.WriteLine($"  {name}: {ids.Length.ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (var problem in result.Problems)
        {
            output.WriteLine($"{(problem.IsError ? "error" : "warning")}: {problem}");
        }

        var errors = result.Errors.Count();
        output.WriteLine(errors == 0 ? "OK" : $"{errors.ToString(CultureInfo.InvariantCulture)} error(s)");
        return errors == 0 ? ExitValid : ExitInvalid;
    }

    private static string Count(string label, int count) => $"{label}: {count.ToString(CultureInfo.InvariantCulture)}";
}
