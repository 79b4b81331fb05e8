using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Datasets;

/// <summary>The folder API imports may read from (<c>--datasets</c> / <c>SOTOPIA_DATASETS</c>): a requested path is
/// taken relative to it and must stay below it, so the API cannot be used to read, or to learn whether there is,
/// any other file on the silo's machine. The shipped starter dataset (<c>"starter"</c>) is always allowed. Without
/// a folder, imports through the API are off (the console's embedded <c>data import</c> still works).</summary>
/// <param name="Root">The folder's full path, or null when imports through the API are off.</param>
public sealed record DatasetFolder(string? Root)
{
    /// <summary>The full path for <paramref name="requested"/>, or a problem that says nothing about whether the
    /// path exists.</summary>
    public bool TryResolve(string requested, out string path, out string problem)
    {
        path = "";
        problem = "";
        if (string.Equals(requested.Trim(), DatasetLocator.Starter, StringComparison.OrdinalIgnoreCase))
        {
            path = DatasetLocator.StarterPath;
            return true;
        }
        if (Root is null)
        {
            problem = "imports through the API are off on this silo: start it with --datasets <folder> (or SOTOPIA_DATASETS) and give paths below that folder, or import \"starter\"";
            return false;
        }
        string full;
        try
        {
            full = Path.GetFullPath(requested, Root);
        }
        catch (ArgumentException)
        {
            problem = $"'{requested}' is not a valid path";
            return false;
        }
        var root = Path.TrimEndingDirectorySeparator(Root);
        if (!string.Equals(full, root, StringComparison.Ordinal) && !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            problem = $"'{requested}' is outside the datasets folder {root}; the API imports only paths below it";
            return false;
        }
        path = full;
        return true;
    }
}
