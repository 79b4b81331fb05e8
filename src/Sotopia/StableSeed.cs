using System.Security.Cryptography;
using System.Text;

namespace SotopiaPi.Sotopia;

/// <summary>Deterministic seeds derived from stable inputs (never from <c>string.GetHashCode</c>, which is
/// randomised per process), so that a resumed or re-run episode makes exactly the same random choices.</summary>
public static class StableSeed
{
    public static long Derive(long seed, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes($"{seed}:{key}");
        SHA256.HashData(bytes, hash);
        return BitConverter.ToInt64(hash) & long.MaxValue;
    }

    /// <summary>Mixes integers into a seed (SplitMix64 steps); cheap enough for every turn.</summary>
    public static long Derive(long seed, int a, int b)
    {
        var x = unchecked((ulong)seed ^ ((ulong)(uint)a << 32) ^ (uint)b);
        x = Mix(x + 0x9E3779B97F4A7C15UL);
        x = Mix(x + 0x9E3779B97F4A7C15UL);
        return (long)(x & long.MaxValue);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
