using System.Globalization;

namespace SotopiaPi.Sotopia.Data;

/// <summary>What a dataset load will read at most, so bad input costs bounded memory and time. Every load
/// (<c>data check</c>, <c>data import</c>, the API's import, a campaign's dataset) uses <see cref="Default"/>.
/// <list type="bullet">
/// <item><see cref="MaxFileBytes"/> (256 MiB): the original SOTOPIA benchmark is 0.26 MB and SOTOPIA-π's splits
/// add 0.03 MB, so this is ~1,000× the real data and still room for a Redis-OM dump that carries other classes;
/// a JSON file (a Redis-OM export, a set file) is parsed whole, which costs a few times its size in memory, so the
/// cap also bounds that.</item>
/// <item><see cref="MaxLineBytes"/> (1 MiB): one JSONL line is one record; SOTOPIA's longest is 3.7 KB (a
/// scenario), so 1 MiB is ~280× that, while a line is held in memory whole (as bytes and as text).</item>
/// <item><see cref="MaxProblems"/> (1,000): problems kept with their file, line and text; further ones are
/// only counted by kind (<see cref="DataLoadResult.OmittedProblems"/>), so a file of 10 million bad lines does
/// not make 10 million messages.</item>
/// </list></summary>
public sealed record DataLimits
{
    public const long DefaultMaxFileBytes = 256L * 1024 * 1024;
    public const int DefaultMaxLineBytes = 1024 * 1024;
    public const int DefaultMaxProblems = 1_000;

    /// <summary>Largest file read, in bytes (regular files only; devices, FIFOs and sockets are refused).</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Longest line of a JSONL file, in bytes, without its line break.</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>Problems kept in <see cref="DataLoadResult.Problems"/>; the rest are counted.</summary>
    public int MaxProblems { get; init; } = DefaultMaxProblems;

    public static DataLimits Default { get; } = new();

    /// <summary>A size for messages: <c>256 MiB (268,435,456 bytes)</c>.</summary>
    internal static string Describe(long bytes)
    {
        var exact = bytes.ToString("N0", CultureInfo.InvariantCulture);
        return bytes switch
        {
            >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{(bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MiB ({exact} bytes)",
            >= 1024 when bytes % 1024 == 0 => $"{(bytes / 1024).ToString(CultureInfo.InvariantCulture)} KiB ({exact} bytes)",
            _ => $"{exact} bytes",
        };
    }
}
