using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>One full SOTOPIA-π run at the pure level on a scenario set, with fixed seeds: the reference arms
/// (expert, partner, base vs the partner), BC on the top 20% of expert self-play, two SR rounds on the top 20%
/// of the policy's own self-play, and two "wrong filter" controls trained on the worst 20%.</summary>
internal sealed class LearningCurve
{
    public LearningCurve(IReadOnlyList<SimScenario> scenarios, int evalPairs, int trainPairs, long worldSeed)
    {
        var arena = new SimArena(scenarios, worldSeed);
        var baseModel = TrainablePolicyModel.CreateBase();
        ArmResult Eval(SimDecider policy) => arena.Evaluate(policy, evalPairs, "eval", 1);

        Expert = Eval(arena.Expert);
        Partner = Eval(arena.Partner);
        Base = Eval(arena.Trainable(baseModel));

        var expertPlay = arena.SelfPlay(arena.Expert, trainPairs, "bc", 100);
        var bc = arena.Train(baseModel, SimArena.Filter(expertPlay));
        BcExamples = bc.Metrics.ExamplesUsed;
        BcLoss = (bc.Metrics.InitialLoss, bc.Metrics.FinalLoss);
        Bc = Eval(arena.Trainable(bc.Model));

        var sr1 = arena.Train(bc.Model, SimArena.Filter(arena.SelfPlay(arena.Trainable(bc.Model), trainPairs, "sr1", 200_000)));
        BcSr1 = Eval(arena.Trainable(sr1.Model));
        var sr2 = arena.Train(sr1.Model, SimArena.Filter(arena.SelfPlay(arena.Trainable(sr1.Model), trainPairs, "sr2", 300_000)));
        BcSr2 = Eval(arena.Trainable(sr2.Model));

        BcOnWorst = Eval(arena.Trainable(arena.Train(baseModel, SimArena.Filter(expertPlay, worst: true)).Model));
        var basePlay = arena.SelfPlay(arena.Trainable(baseModel), trainPairs, "base-sr", 400_000);
        SrOnWorst = Eval(arena.Trainable(arena.Train(baseModel, SimArena.Filter(basePlay, worst: true)).Model));
    }

    public ArmResult Expert { get; }

    public ArmResult Partner { get; }

    public ArmResult Base { get; }

    public ArmResult Bc { get; }

    public ArmResult BcSr1 { get; }

    public ArmResult BcSr2 { get; }

    /// <summary>BC from the base model on the worst episode per scenario and seat of expert self-play.</summary>
    public ArmResult BcOnWorst { get; }

    /// <summary>Training the base model on the worst episode per scenario and seat of its own self-play.</summary>
    public ArmResult SrOnWorst { get; }

    public int BcExamples { get; }

    public (double Initial, double Final) BcLoss { get; }

    public string Describe() => string.Join(Environment.NewLine,
        $"expert   {Expert}",
        $"partner  {Partner}",
        $"base     {Base}",
        FormattableString.Invariant($"bc       {Bc}   [{BcExamples} examples, loss {BcLoss.Initial:F2} -> {BcLoss.Final:F2}]"),
        $"bc+sr1   {BcSr1}",
        $"bc+sr2   {BcSr2}",
        $"bc-worst {BcOnWorst}",
        $"sr-worst {SrOnWorst}");
}
