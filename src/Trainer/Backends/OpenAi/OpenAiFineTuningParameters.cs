using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer.Backends.OpenAi;

/// <summary>The parameters a fine-tuning job is created with, checked against what OpenAI's API documents
/// (<c>POST /fine_tuning/jobs</c>, supervised method): <c>method.supervised.hyperparameters.n_epochs</c> 1–50 (the
/// spec's <c>trainer.epochs</c>), <c>batch_size</c> 1–256 and <c>learning_rate_multiplier</c> &gt; 0 (the trainer
/// options of those names; unset = OpenAI's "auto"), <c>suffix</c> up to 64 characters. Nothing else from the spec is
/// sent (the deprecated top-level <c>hyperparameters</c> never is); an unknown trainer option is refused rather than
/// silently dropped. Every problem is reported at once, naming the field.</summary>
internal sealed record OpenAiFineTuningParameters(int Epochs, int? BatchSize, double? LearningRateMultiplier, string Suffix, string? BaseModel)
{
    public const int MaxEpochs = 50;
    public const int MaxBatchSize = 256;
    public const int MaxSuffixLength = 64;

    /// <summary>The trainer options this backend reads.</summary>
    public static ImmutableArray<string> KnownOptions { get; } = ["base_model", "suffix", "batch_size", "learning_rate_multiplier"];

    /// <exception cref="TrainingBackendException">Listing every out-of-range or unknown value.</exception>
    public static OpenAiFineTuningParameters Read(TrainerSettings settings, OpenAiFineTuningOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (settings.Epochs is < 1 or > MaxEpochs)
        {
            problems.Add($"trainer.epochs: {settings.Epochs} is outside the range OpenAI accepts for n_epochs (1–{MaxEpochs})");
        }
        int? batchSize = null;
        if (settings.Options.TryGetValue("batch_size", out var batchText))
        {
            if (int.TryParse(batchText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) && b is >= 1 and <= MaxBatchSize)
            {
                batchSize = b;
            }
            else
            {
                problems.Add($"trainer.options.batch_size: '{batchText}' must be an integer from 1 to {MaxBatchSize} (OpenAI's range for batch_size)");
            }
        }
        double? multiplier = null;
        if (settings.Options.TryGetValue("learning_rate_multiplier", out var rateText))
        {
            if (double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && double.IsFinite(r) && r > 0)
            {
                multiplier = r;
            }
            else
            {
                problems.Add($"trainer.options.learning_rate_multiplier: '{rateText}' must be a number greater than 0");
            }
        }
        var suffix = settings.Options.GetValueOrDefault("suffix", options.Suffix);
        if (suffix.Length is 0 or > MaxSuffixLength)
        {
            problems.Add(settings.Options.ContainsKey("suffix")
                ? $"trainer.options.suffix: must be 1 to {MaxSuffixLength} characters (got {suffix.Length})"
                : $"Trainer:OpenAI:Suffix: must be 1 to {MaxSuffixLength} characters (got {suffix.Length})");
        }
        var baseModel = settings.Options.GetValueOrDefault("base_model");
        if (baseModel is not null && string.IsNullOrWhiteSpace(baseModel))
        {
            problems.Add("trainer.options.base_model: must name a model");
        }
        foreach (var unknown in settings.Options.Keys.Where(k => !KnownOptions.Contains(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"trainer.options.{unknown}: not a parameter of the openai backend (it reads {string.Join(", ", KnownOptions)})");
        }
        if (problems.Count > 0)
        {
            throw new TrainingBackendException($"The fine-tuning parameters are not valid for OpenAI, so nothing was sent: {string.Join("; ", problems)}.");
        }
        return new OpenAiFineTuningParameters(settings.Epochs, batchSize, multiplier, suffix, baseModel);
    }
}
