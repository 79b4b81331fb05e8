using System.Globalization;
using System.Text;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A position in an episode listing (which is ordered by creation time, then id): the listing continues
/// with the episodes after this one. Keyset paging: a deep page costs what the first one costs, and an episode
/// created meanwhile neither shifts nor repeats rows. <see cref="Encode"/> gives the opaque text an API hands out
/// as <c>next_cursor</c>; <see cref="TryParse"/> reads it back.</summary>
/// <param name="CreatedAtMs">The episode's creation time in Unix milliseconds (what the stores order by).</param>
/// <param name="Id">The episode's id.</param>
[Immutable]
public sealed record EpisodeCursor(long CreatedAtMs, string Id)
{
    /// <summary>The position right after <paramref name="episode"/>.</summary>
    public static EpisodeCursor After(EpisodeRecord episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        return new EpisodeCursor(episode.CreatedAt.ToUnixTimeMilliseconds(), episode.Id);
    }

    public string Encode()
    {
        var bytes = Encoding.UTF8.GetBytes($"{CreatedAtMs.ToString(CultureInfo.InvariantCulture)}:{Id}");
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false for any other text (never an exception).</summary>
    public static bool TryParse(string? text, out EpisodeCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 400)
        {
            return false;
        }
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - base64.Length % 4) % 4), '=');
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1
            || !long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }
        cursor = new EpisodeCursor(ms, decoded[(colon + 1)..]);
        return true;
    }
}
