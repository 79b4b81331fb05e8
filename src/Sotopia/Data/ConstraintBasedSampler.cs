using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>SOTOPIA's ConstraintBasedSampler: for one scenario, pick character pairs that have a relationship
/// profile of the scenario's relationship type.
/// <list type="number">
/// <item>Candidates = the dataset's relationship profiles whose relationship equals the scenario's, in dataset
/// order, as (agent 1, agent 2) of the profile; a repeated ordered pair counts once.</item>
/// <item>If the age constraint is not the default <c>[(18, 70), (18, 70)]</c> (or absent), keep pairs whose
/// agent 1 age is in range 0 and agent 2 age in range 1 (pairs with an unknown character are dropped).</item>
/// <item>If the scenario has an agent constraint, keep pairs with agent 1 in list 0 and agent 2 in list 1 (an
/// empty or missing list leaves that seat free).</item>
/// <item>Shuffle with the seed, take the first <c>size</c>.</item>
/// </list>
/// Occupation constraints are ignored, as in the original. Unlike the original, having fewer than <c>size</c>
/// candidates is not an error: all of them are returned. Task ids come from <see cref="SocialTaskIds"/>.</summary>
public static class ConstraintBasedSampler
{
    /// <summary>The number of tasks per scenario SOTOPIA used before and after the SOTOPIA-π period.</summary>
    public const int DefaultSize = 5;

    /// <exception cref="ArgumentException">The scenario's age constraint cannot be parsed.</exception>
    public static ImmutableArray<SocialTask> Sample(SotopiaDataset dataset, Scenario scenario, int size, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (!AgeConstraint.TryParse(scenario.AgeConstraint, out var ranges, out var error))
        {
            throw new ArgumentException($"Scenario '{scenario.Id}' has an invalid age constraint: {error}", nameof(scenario));
        }

        var ages = dataset.Characters.GroupBy(c => c.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Age, StringComparer.Ordinal);
        var checkAges = !AgeConstraint.IsUnconstrained(ranges);
        var seat1 = AllowedIds(scenario.AgentConstraint, 0);
        var seat2 = AllowedIds(scenario.AgentConstraint, 1);

        var seen = new HashSet<(string, string)>();
        var candidates = new List<(string Agent1, string Agent2)>();
        foreach (var profile in dataset.Relationships)
        {
            if (profile.Relationship != scenario.Relationship || !seen.Add((profile.Agent1Id, profile.Agent2Id)))
            {
                continue;
            }

            if (checkAges && !(ages.TryGetValue(profile.Agent1Id, out var age1) && ranges[0].Contains(age1)
                && ages.TryGetValue(profile.Agent2Id, out var age2) && ranges[1].Contains(age2)))
            {
                continue;
            }

            if ((seat1 is not null && !seat1.Contains(profile.Agent1Id)) || (seat2 is not null && !seat2.Contains(profile.Agent2Id)))
            {
                continue;
            }

            candidates.Add((profile.Agent1Id, profile.Agent2Id));
        }

        SeededRandom.Shuffle(SeededRandom.Create(seed), candidates);
        return [.. candidates.Take(size).Select(p => new SocialTask
        {
            Id = SocialTaskIds.For(scenario.Id, p.Agent1, p.Agent2),
            ScenarioId = scenario.Id,
            Agent1Id = p.Agent1,
            Agent2Id = p.Agent2,
        })];
    }

    private static HashSet<string>? AllowedIds(ImmutableArray<ImmutableArray<string>>? constraint, int seat) =>
        constraint is { } lists && seat < lists.Length && !lists[seat].IsDefaultOrEmpty
            ? lists[seat].ToHashSet(StringComparer.Ordinal)
            : null;
}
