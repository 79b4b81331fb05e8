using Xunit.Abstractions;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>The curve on 30 synthetic scenarios of mixed kinds (computed once for the class).</summary>
public sealed class SyntheticCurveFixture
{
    internal LearningCurve Curve { get; } = new(SyntheticScenarios.All, evalPairs: 4, trainPairs: 10, worldSeed: 7);
}

/// <summary>The same loop on the 90 original SOTOPIA scenarios (computed once for the class).</summary>
public sealed class SotopiaCurveFixture
{
    internal LearningCurve Curve { get; } = new(SotopiaDataFiles.OriginalScenarios(), evalPairs: 2, trainPairs: 5, worldSeed: 7);
}

/// <summary>The simulator makes SOTOPIA-π a real learning problem: the expert clearly beats the base policy,
/// the partner sits in between, BC on the expert's best episodes and SR on the policy's own best episodes raise
/// the trainable policy's goal, and training on the worst episodes lowers it. 240+ episodes per arm with fixed
/// seeds, so the numbers are exact for this code and noise between arms is small.</summary>
public sealed class LearningCurveTests(SyntheticCurveFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticCurveFixture>
{
    private LearningCurve Curve => fixture.Curve;

    [Fact]
    public void ReferenceArmsHaveSotopiaLikeMagnitudesAndOrder()
    {
        output.WriteLine(Curve.Describe());
        Assert.True(Curve.Expert.Episodes >= 240);
        Assert.InRange(Curve.Expert.Goal, 6.5, 8.5);
        Assert.InRange(Curve.Expert.Overall, 2.5, 3.5);
        Assert.InRange(Curve.Base.Goal, 2.5, 5.0);
        Assert.True(Curve.Expert.Goal >= Curve.Base.Goal + 2.0, $"expert {Curve.Expert.Goal:F2} vs base {Curve.Base.Goal:F2}");
        Assert.True(Curve.Partner.Goal > Curve.Base.Goal + 1.0 && Curve.Partner.Goal < Curve.Expert.Goal - 1.0,
            $"partner {Curve.Partner.Goal:F2} should sit between base {Curve.Base.Goal:F2} and expert {Curve.Expert.Goal:F2}");
    }

    [Fact]
    public void TheExpertOutscoresThePartnerAndThePartnerOutscoresTheBaseInTheirEpisodes()
    {
        Assert.True(Curve.Expert.Goal > Curve.Expert.OpponentGoal + 0.5, $"expert {Curve.Expert.Goal:F2} vs its partner {Curve.Expert.OpponentGoal:F2}");
        Assert.True(Curve.Base.Goal < Curve.Base.OpponentGoal - 0.5, $"base {Curve.Base.Goal:F2} vs its partner {Curve.Base.OpponentGoal:F2}");
    }

    [Fact]
    public void BehaviourCloningOnTheExpertsBestEpisodesRaisesGoal()
    {
        Assert.True(Curve.BcExamples >= 300, $"only {Curve.BcExamples} training examples");
        Assert.True(Curve.BcLoss.Final < Curve.BcLoss.Initial / 2, $"loss {Curve.BcLoss.Initial:F2} -> {Curve.BcLoss.Final:F2}");
        Assert.True(Curve.Bc.Goal >= Curve.Base.Goal + 1.0, $"bc {Curve.Bc.Goal:F2} vs base {Curve.Base.Goal:F2}");
        Assert.True(Curve.Bc.Goal <= Curve.Expert.Goal + 0.3, $"bc {Curve.Bc.Goal:F2} should not beat its teacher {Curve.Expert.Goal:F2}");
        Assert.True(Curve.Bc.Overall > Curve.Base.Overall + 0.5);
    }

    [Fact]
    public void SelfReinforcementOnItsOwnBestEpisodesDoesNotGoDownAndRises()
    {
        Assert.True(Curve.BcSr1.Goal >= Curve.Bc.Goal - 0.1, $"bc+sr1 {Curve.BcSr1.Goal:F2} vs bc {Curve.Bc.Goal:F2}");
        Assert.True(Curve.BcSr2.Goal >= Curve.BcSr1.Goal - 0.1, $"bc+sr2 {Curve.BcSr2.Goal:F2} vs bc+sr1 {Curve.BcSr1.Goal:F2}");
        Assert.True(Curve.BcSr2.Goal >= Curve.Bc.Goal + 0.2, $"two SR rounds should rise: {Curve.Bc.Goal:F2} -> {Curve.BcSr2.Goal:F2}");
    }

    [Fact]
    public void TrainingOnTheWorstEpisodesLowersGoal()
    {
        Assert.True(Curve.SrOnWorst.Goal <= Curve.Base.Goal - 0.5, $"base trained on its worst {Curve.SrOnWorst.Goal:F2} vs base {Curve.Base.Goal:F2}");
        Assert.True(Curve.BcOnWorst.Goal <= Curve.Bc.Goal - 0.3, $"bc on the expert's worst {Curve.BcOnWorst.Goal:F2} vs its best {Curve.Bc.Goal:F2}");
    }
}

/// <summary>Second check: the same loop on the 90 original SOTOPIA scenarios.</summary>
public sealed class SotopiaLearningCurveTests(SotopiaCurveFixture fixture, ITestOutputHelper output) : IClassFixture<SotopiaCurveFixture>
{
    private LearningCurve Curve => fixture.Curve;

    [Fact]
    public void TheCurveHoldsOnTheOriginalScenarios()
    {
        output.WriteLine(Curve.Describe());
        Assert.True(Curve.Expert.Episodes >= 360);
        Assert.InRange(Curve.Expert.Goal, 6.5, 8.5);
        Assert.InRange(Curve.Base.Goal, 2.5, 5.0);
        Assert.True(Curve.Expert.Goal >= Curve.Base.Goal + 2.0);
        Assert.True(Curve.Partner.Goal > Curve.Base.Goal && Curve.Partner.Goal < Curve.Expert.Goal);
        Assert.True(Curve.Bc.Goal >= Curve.Base.Goal + 1.0, $"bc {Curve.Bc.Goal:F2} vs base {Curve.Base.Goal:F2}");
        Assert.True(Curve.BcSr2.Goal >= Curve.Bc.Goal - 0.1, $"bc+sr2 {Curve.BcSr2.Goal:F2} vs bc {Curve.Bc.Goal:F2}");
        Assert.True(Curve.SrOnWorst.Goal < Curve.Base.Goal, $"worst {Curve.SrOnWorst.Goal:F2} vs base {Curve.Base.Goal:F2}");
    }
}
