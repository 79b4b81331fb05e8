using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>SOTOPIA's UniformSampler: a random scenario and two random distinct characters, without any
/// constraint. Seeded and deterministic. Unlike the original, the returned tasks are distinct (a repeated
/// (scenario, ordered pair) is drawn again), so their <see cref="SocialTaskIds"/> ids are unique; when fewer
/// distinct tasks exist than <c>count</c>, all of them are returned (in a seeded order). An empty result means
/// the dataset has no scenario or fewer than two characters.</summary>
public static class UniformSampler
{
    public static ImmutableArray<SocialTask> Sample(SotopiaDataset dataset, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var scenarios = dataset.Scenarios;
        var characters = dataset.Characters.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
        if (scenarios.IsDefaultOrEmpty || characters.Count < 2 || count == 0)
        {
            return [];
        }

        var random = SeededRandom.Create(seed);
        var possible = (long)scenarios.Length * characters.Count * (characters.Count - 1);
        var picks = new List<(int Scenario, int Agent1, int Agent2)>();
        if (count * 2L >= possible)
        {
            // Dense request: enumerate everything, shuffle, take what is asked.
            for (var s = 0; s < scenarios.Length; s++)
            {
                for (var a = 0; a < characters.Count; a++)
                {
                    for (var b = 0; b < characters.Count; b++)
                    {
                        if (a != b)
                        {
                            picks.Add((s, a, b));
                        }
                    }
                }
            }

            SeededRandom.Shuffle(random, picks);
            picks = [.. picks.Take(count)];
        }
        else
        {
            // Sparse request: rejection sampling; at least half of all draws are new, so this ends quickly.
            var seen = new HashSet<(int, int, int)>();
            while (picks.Count < count)
            {
                var s = random.Next(scenarios.Length);
                var a = random.Next(characters.Count);
                var b = random.Next(characters.Count - 1);
                if (b >= a)
                {
                    b++;
                }

                if (seen.Add((s, a, b)))
                {
                    picks.Add((s, a, b));
                }
            }
        }

        return [.. picks.Select(p => new SocialTask
        {
            Id = SocialTaskIds.For(scenarios[p.Scenario].Id, characters[p.Agent1], characters[p.Agent2]),
            ScenarioId = scenarios[p.Scenario].Id,
            Agent1Id = characters[p.Agent1],
            Agent2Id = characters[p.Agent2],
        })];
    }
}
