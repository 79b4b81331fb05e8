namespace SotopiaPi.Sotopia.Data;

/// <summary>Seeded randomness for the samplers: a <see cref="Random"/> from a 64-bit seed and a Fisher–Yates
/// shuffle whose result depends only on the seed and the input order.</summary>
internal static class SeededRandom
{
    public static Random Create(long seed) => new(unchecked((int)(seed ^ (seed >>> 32))));

    public static void Shuffle<T>(Random random, IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
