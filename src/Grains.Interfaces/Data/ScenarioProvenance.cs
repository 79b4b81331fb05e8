namespace SotopiaPi.Grains.Interfaces;

/// <summary>Where a generated scenario came from (reference §d1, SOTOPIA-π's <c>used_prompt.csv</c>): the
/// inspiration keyword, the source it was drawn from, the model that wrote the scenario and the existing scenario
/// shown to it as the example.</summary>
[Immutable]
public sealed record ScenarioProvenance
{
    /// <summary>The inspirational prompt (a situation, context, behaviour or keyword).</summary>
    public required string Keyword { get; init; }
    /// <summary>Where the keyword came from: <c>social_chemistry</c>, <c>social_iqa</c>, <c>normbank</c>,
    /// <c>keywords</c>, or a source named in the inspiration file.</summary>
    public required string Source { get; init; }
    /// <summary>The generator model.</summary>
    public required string Model { get; init; }
    /// <summary>The existing scenario used as the in-context example.</summary>
    public string? ExampleScenarioId { get; init; }
    /// <summary>The inspiration file the keyword was read from.</summary>
    public string? InspirationFile { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
}
