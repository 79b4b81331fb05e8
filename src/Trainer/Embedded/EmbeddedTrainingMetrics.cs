using System.Collections.Immutable;
using System.Globalization;

namespace SotopiaPi.Trainer.Embedded;

/// <summary>What a training run did: examples read, used and skipped (with reasons), and the loss curve.</summary>
public sealed record EmbeddedTrainingMetrics
{
    public int ExamplesRead { get; init; }

    public int ExamplesUsed { get; init; }

    public int ExamplesSkipped => ExamplesRead - ExamplesUsed;

    /// <summary>Reason → how many examples were skipped for it.</summary>
    public ImmutableDictionary<string, int> SkipReasons { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>The first few skipped examples with source:line and the exact problem, for diagnosis.</summary>
    public ImmutableArray<string> SkipSamples { get; init; } = [];

    /// <summary>Move name → how many used examples carry that label.</summary>
    public ImmutableDictionary<string, int> LabelCounts { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>Mean cross-entropy of the starting model on the data.</summary>
    public double InitialLoss { get; init; }

    /// <summary>Mean cross-entropy after each epoch.</summary>
    public ImmutableArray<double> LossPerEpoch { get; init; } = [];

    public double FinalLoss => LossPerEpoch.IsDefaultOrEmpty ? InitialLoss : LossPerEpoch[^1];

    /// <summary>Flat numeric metrics for a published policy version
    /// (<c>examples_used</c>, <c>examples_skipped</c>, <c>initial_loss</c>, <c>final_loss</c>, <c>loss_epoch_N</c>).</summary>
    public ImmutableDictionary<string, double> ToDictionary()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        builder["examples_read"] = ExamplesRead;
        builder["examples_used"] = ExamplesUsed;
        builder["examples_skipped"] = ExamplesSkipped;
        builder["initial_loss"] = InitialLoss;
        builder["final_loss"] = FinalLoss;
        for (var i = 0; i < LossPerEpoch.Length; i++)
        {
            builder["loss_epoch_" + (i + 1).ToString(CultureInfo.InvariantCulture)] = LossPerEpoch[i];
        }
        return builder.ToImmutable();
    }
}
