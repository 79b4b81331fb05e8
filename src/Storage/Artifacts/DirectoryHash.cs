using System.Security.Cryptography;
using System.Text;

namespace SotopiaPi.Storage.Artifacts;

/// <summary>The content hash of a folder (an adapter, a checkpoint directory): the SHA-256 of its manifest,
/// one line <c>&lt;sha256 of file&gt;  &lt;relative path with '/'&gt;\n</c> per file, ordered by path
/// (ordinal). The same files give the same hash wherever the folder lives; renaming, adding or changing any
/// file changes it. Compatible with <c>find . -type f | sort | xargs sha256sum</c> after removing the
/// leading <c>./</c>.</summary>
public static class DirectoryHash
{
    /// <summary>Hashes every file under <paramref name="folder"/> except those <paramref name="exclude"/> names
    /// (relative paths).</summary>
    public static async Task<string> ComputeAsync(string folder, IReadOnlyCollection<string>? exclude = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Folder '{folder}' does not exist.");
        }
        var manifest = new StringBuilder();
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(f => exclude is null || !exclude.Contains(f.Relative))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in files)
        {
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            manifest.Append(Convert.ToHexStringLower(hash)).Append("  ").Append(relative).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString())));
    }
}
