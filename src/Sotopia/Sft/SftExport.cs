using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Sft;

/// <summary>The examples built from a set of filtered trajectories, with a summary of how they were built.</summary>
/// <param name="Examples">The examples, in output order.</param>
/// <param name="Trajectories">How many trajectories they come from.</param>
/// <param name="TruncatedExamples">Examples whose history was truncated to fit the token budget.</param>
/// <param name="DroppedNoneTurns">Turns left out because they were <c>none</c> and <see cref="SftOptions.DropNoneTurns"/> was set.</param>
public sealed record SftExport(ImmutableArray<SftExample> Examples, int Trajectories, int TruncatedExamples, int DroppedNoneTurns)
{
    public int ExampleCount => Examples.Length;
}
