using System.Globalization;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>The key of an <see cref="IAgentGrain"/>: <c>&lt;episode id&gt;/&lt;seat&gt;</c>.</summary>
public static class AgentKey
{
    public static string For(string episodeId, int seat) => string.Create(CultureInfo.InvariantCulture, $"{episodeId}/{seat}");

    /// <summary>The seat of an agent key.</summary>
    public static int Seat(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seat) && seat is 0 or 1
            ? seat
            : throw new FormatException($"'{key}' is not an agent key (<episode id>/<seat 0 or 1>).");
    }
}
