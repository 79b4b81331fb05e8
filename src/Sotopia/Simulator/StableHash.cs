namespace SotopiaPi.Sotopia.Simulator;

/// <summary>A process-independent hash (FNV-1a 64) and a SplitMix64 stream: the simulator's hidden parameters
/// must be the same on every silo and every run, which <see cref="string.GetHashCode()"/> does not give.</summary>
internal struct StableHash
{
    private ulong _state;

    public StableHash(string text, long seed)
    {
        _state = Of(text) ^ Mix((ulong)seed + 0x9E3779B97F4A7C15UL);
    }

    public static ulong Of(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }

    /// <summary>Folds a 64-bit seed into the 32-bit seed <see cref="Random"/> takes.</summary>
    public static int Fold(long seed)
    {
        var m = Mix((ulong)seed);
        return (int)(m ^ (m >> 32));
    }

    /// <summary>The next uniform number in [0, 1).</summary>
    public double NextDouble()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return (Mix(_state) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Uniform in [low, high).</summary>
    public double Between(double low, double high) => low + ((high - low) * NextDouble());

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
