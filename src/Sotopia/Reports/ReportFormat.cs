using System.Globalization;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>How report numbers are written for people (HTML, Markdown): two decimals, "n/a" for a score over no
/// scored seat, and "—" for what is not known. CSV files are written by <see cref="CsvTable"/>.</summary>
internal static class ReportFormat
{
    public const string Missing = "—";

    /// <summary>A score over no scored seat (n = 0): not a number, and never 0.00 ± 0.00.</summary>
    public const string NotAvailable = "n/a";

    public static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string F(double? value) => value is { } v ? F(v) : Missing;

    public static string Signed(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string MeanCi(Estimate estimate) =>
        estimate.HasValue ? $"{F(estimate.Mean)} ± {F(estimate.Ci95)}" : NotAvailable;

    public static string Difference(PairedDifference difference) => difference switch
    {
        { N: 0 } => Missing,
        { Ci95: { } ci } => $"{Signed(difference.Mean)} ± {F(ci)}",
        _ => $"{Signed(difference.Mean)} (no CI, n = 1)",
    };

    public static string Percent(double? share) =>
        share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : Missing;

    public static string Tokens(long? tokens) => tokens is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : Missing;

    public static string Cost(decimal? usd) => usd is { } c ? "$" + c.ToString("0.00", CultureInfo.InvariantCulture) : Missing;
}
