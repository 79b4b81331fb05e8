using System.Security.Cryptography;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Artifacts;

/// <summary>The filesystem artifact store: a folder or shared volume (what vLLM reads adapters from). The
/// layout under <see cref="Root"/> is <see cref="ArtifactLayout"/>'s (documented in this folder's README.md):
/// <c>datasets/&lt;campaign&gt;/round-&lt;n&gt;.chat.jsonl</c>, <c>checkpoints/&lt;policy&gt;/&lt;request&gt;/…</c>,
/// <c>adapters/&lt;policy&gt;/&lt;request&gt;/…</c>, <c>logs/training/&lt;policy&gt;/&lt;request&gt;.log</c>. Files are
/// identified by SHA-256 content hashes (folders by <see cref="DirectoryHash"/>). Writes are atomic: a temp file
/// in the same folder renamed over the target, so a crash never leaves a half-written artifact.</summary>
public sealed class FileArtifactStore : IArtifactStore
{
    public FileArtifactStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public async Task<string> WriteAsync(string relativePath, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        var target = GetFullPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        return await HashAsync(relativePath, cancellationToken).ConfigureAwait(false);
    }

    public Stream OpenRead(string relativePath)
    {
        var path = GetFullPath(relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Artifact '{relativePath}' not found under '{Root}'.", path);
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
    }

    public async Task<string> HashAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(relativePath);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }

    public bool Exists(string relativePath) => File.Exists(GetFullPath(relativePath));

    public string GetFullPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var full = Path.GetFullPath(Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Artifact path '{relativePath}' escapes the artifact root.", nameof(relativePath));
        }
        return full;
    }
}
