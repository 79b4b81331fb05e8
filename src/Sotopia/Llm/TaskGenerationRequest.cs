using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>What <see cref="LlmTaskGenerator"/> should produce.</summary>
public sealed record TaskGenerationRequest
{
    /// <summary>How many scenarios to add.</summary>
    public required int Count { get; init; }

    public required IReadOnlyList<Inspiration> Inspirations { get; init; }

    /// <summary>Named scenario sets never shown as examples (the evaluation set); their scenarios still count for
    /// near-duplicate rejection.</summary>
    public ImmutableArray<string> ExcludedSets { get; init; } = ["hard"];

    /// <summary>The named set the new scenarios are added to (created if missing).</summary>
    public string SetName { get; init; } = "generated";

    /// <summary>Character pairs (tasks) sampled per new scenario with the constraint-based sampler.</summary>
    public int PairsPerScenario { get; init; } = 5;

    public long Seed { get; init; } = 42;

    /// <summary>Generator calls allowed in all (rejected answers cost an attempt); default 3 × <see cref="Count"/>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The generator model; null = the generator role's configured model.</summary>
    public string? Model { get; init; }

    /// <summary>Generator calls in flight at once.</summary>
    public int Parallelism { get; init; } = 1;

    public double ShingleThreshold { get; init; } = NearDuplicateIndex.DefaultShingleThreshold;

    public double WordThreshold { get; init; } = NearDuplicateIndex.DefaultWordThreshold;
}
