namespace SotopiaPi.Sotopia.Reports;

/// <summary>A set of evaluation scenarios a report row is computed over.</summary>
/// <param name="Name"><see cref="ReportSets.All"/> or <see cref="ReportSets.Hard"/>.</param>
/// <param name="Description">Where the set comes from, in words.</param>
/// <param name="Scenarios">How many scenarios it has.</param>
public sealed record ReportSet(string Name, string Description, int Scenarios);
