using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Trainer.Embedded;

/// <summary>Settings of the embedded trainer's gradient descent.</summary>
public sealed record EmbeddedTrainingOptions
{
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Step size of each (mini-batch) update.</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>L2 penalty per weight (the bias row is not penalised).</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Examples per update; 0 (or at least the dataset size) means full-batch gradient descent.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seeds the shuffling of mini-batches.</summary>
    public long Seed { get; init; }

    /// <summary>Lists every invalid setting (empty when all are valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Epochs < 1)
        {
            errors.Add($"epochs must be at least 1 (got {Epochs})");
        }
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            errors.Add($"learning rate must be a positive number (got {LearningRate})");
        }
        if (!double.IsFinite(L2) || L2 < 0)
        {
            errors.Add($"l2 must be zero or positive (got {L2})");
        }
        if (BatchSize < 0)
        {
            errors.Add($"batch_size must be zero (full batch) or positive (got {BatchSize})");
        }
        return errors;
    }

    /// <summary>Builds options from a campaign's trainer settings: epochs and learning rate directly; the
    /// backend options "l2", "batch_size" and "seed" if present. Throws <see cref="ArgumentException"/> naming
    /// the bad field.</summary>
    public static EmbeddedTrainingOptions FromSettings(TrainerSettings settings, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new EmbeddedTrainingOptions { Epochs = settings.Epochs, LearningRate = settings.LearningRate, Seed = seed };
        if (settings.Options.TryGetValue("l2", out var l2))
        {
            options = options with { L2 = ParseDouble("l2", l2) };
        }
        if (settings.Options.TryGetValue("batch_size", out var batch))
        {
            options = options with { BatchSize = (int)ParseLong("batch_size", batch) };
        }
        if (settings.Options.TryGetValue("seed", out var s))
        {
            options = options with { Seed = ParseLong("seed", s) };
        }
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid embedded trainer settings: " + string.Join("; ", errors) + ".", nameof(settings));
        }
        return options;
    }

    private static double ParseDouble(string field, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ArgumentException($"Trainer option '{field}' must be a number (got '{value}').", nameof(value));

    private static long ParseLong(string field, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
            ? l
            : throw new ArgumentException($"Trainer option '{field}' must be an integer (got '{value}').", nameof(value));
}
