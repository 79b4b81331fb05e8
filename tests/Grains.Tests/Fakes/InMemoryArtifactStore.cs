using System.Security.Cryptography;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>An <see cref="IArtifactStore"/> that keeps its files in memory.</summary>
internal sealed class InMemoryArtifactStore : IArtifactStore
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public string Root => "/memory";

    public async Task<string> WriteAsync(string relativePath, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        var bytes = buffer.ToArray();
        lock (_files)
        {
            _files[relativePath] = bytes;
        }
        return Hash(bytes);
    }

    public Stream OpenRead(string relativePath) => new MemoryStream(Bytes(relativePath), writable: false);

    public Task<string> HashAsync(string relativePath, CancellationToken cancellationToken = default) => Task.FromResult(Hash(Bytes(relativePath)));

    public bool Exists(string relativePath)
    {
        lock (_files)
        {
            return _files.ContainsKey(relativePath);
        }
    }

    public string GetFullPath(string relativePath) => $"{Root}/{relativePath}";

    /// <summary>The file's lines (UTF-8).</summary>
    public string[] Lines(string relativePath) =>
        System.Text.Encoding.UTF8.GetString(Bytes(relativePath)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private byte[] Bytes(string relativePath)
    {
        lock (_files)
        {
            return _files.TryGetValue(relativePath, out var bytes) ? bytes : throw new FileNotFoundException($"No artifact '{relativePath}'.", relativePath);
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
