using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>What a task-generation run did.</summary>
public sealed record TaskGenerationReport
{
    public ImmutableArray<Scenario> Generated { get; init; } = [];
    /// <summary>Tasks (character pairs) sampled for the new scenarios.</summary>
    public int Tasks { get; init; }
    /// <summary>The new dataset version holding the generated scenarios (the version generation started from plus
    /// them), or null when none was accepted.</summary>
    public int? DatasetVersion { get; init; }
    public ImmutableArray<TaskRejection> Rejections { get; init; } = [];
    public int Attempts { get; init; }
    public int InspirationsRead { get; init; }
    public int DuplicateInspirations { get; init; }
    public int AlreadyUsedInspirations { get; init; }
    /// <summary>All generator calls' usage summed (null when no call answered).</summary>
    public CallUsage? Usage { get; init; }
}
