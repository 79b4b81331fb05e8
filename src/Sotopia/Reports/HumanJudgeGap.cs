namespace SotopiaPi.Sotopia.Reports;

/// <summary>Judge versus humans for one policy on one metric, over the evaluated seats humans rated (several
/// annotators of a seat are averaged first), as in SOTOPIA-π's human evaluation.</summary>
/// <param name="Policy">The evaluated policy.</param>
/// <param name="Metric">A dimension key ("goal", …) or "overall" (only seats rated on all 7 dimensions).</param>
/// <param name="Label">"GOAL", "BEL", … or "overall".</param>
/// <param name="N">Rated seats.</param>
/// <param name="Ratings">Individual ratings behind them.</param>
/// <param name="Annotators">Distinct annotators.</param>
/// <param name="JudgeMean">The judge's mean on those seats.</param>
/// <param name="HumanMean">The humans' mean on those seats.</param>
/// <param name="Gap">Judge − human, paired per seat, with its 95% CI.</param>
public sealed record HumanJudgeGap(
    ReportPolicy Policy,
    string Metric,
    string Label,
    int N,
    int Ratings,
    int Annotators,
    double JudgeMean,
    double HumanMean,
    PairedDifference Gap)
{
    public const string OverallMetric = "overall";
}
