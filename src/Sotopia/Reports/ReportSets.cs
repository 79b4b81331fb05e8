namespace SotopiaPi.Sotopia.Reports;

/// <summary>The episode sets a report's tables are computed over, as in the paper: "all" (the whole
/// evaluation set) and "hard" (its scenarios that are in the dataset's hard set).</summary>
public static class ReportSets
{
    public const string All = "all";
    public const string Hard = "hard";

    /// <summary>Named sets that define the hard scenarios, in order of preference: the starter data's and
    /// SOTOPIA-π's.</summary>
    public static IReadOnlyList<string> HardSetNames { get; } = ["hard", "sotopia_hard_env"];
}
