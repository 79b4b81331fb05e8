using Spectre.Console;

namespace SotopiaPi.Client.Output;

/// <summary>The lines under a page of <c>episodes list</c>, the same for the local store and a cluster.</summary>
internal static class EpisodePageFooter
{
    /// <summary>The line under a page of episodes: how many of how many, what * means, and how to get the next page.</summary>
    public static void Write(IAnsiConsole console, int shown, int total, string? nextCursor)
    {
        console.MarkupLine("[grey]* = seat not scored for this episode's purpose (the partner's seat in evaluation).[/]");
        if (nextCursor is null)
        {
            console.MarkupLineInterpolated($"[grey]{shown} shown of {total}; this is the last page.[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[grey]{shown} shown of {total}; next page: --after {nextCursor}[/]");
        }
    }
}
