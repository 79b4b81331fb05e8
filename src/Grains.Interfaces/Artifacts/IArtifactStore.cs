namespace SotopiaPi.Grains.Interfaces;

/// <summary>Files shared by silos, trainers and model servers (datasets, checkpoints, adapters): a folder or
/// shared volume. Paths are relative to the store's root and use '/'.</summary>
public interface IArtifactStore
{
    /// <summary>The absolute root folder (what a model server mounts).</summary>
    string Root { get; }

    /// <summary>Writes a file atomically (temp file + rename) and returns its SHA-256 (lower-case hex).</summary>
    Task<string> WriteAsync(string relativePath, Func<Stream, Task> write, CancellationToken cancellationToken = default);

    /// <summary>Opens a file for reading; throws <see cref="FileNotFoundException"/> naming the path.</summary>
    Stream OpenRead(string relativePath);

    /// <summary>The SHA-256 of a stored file (lower-case hex).</summary>
    Task<string> HashAsync(string relativePath, CancellationToken cancellationToken = default);

    bool Exists(string relativePath);

    /// <summary>The absolute path of a relative artifact path.</summary>
    string GetFullPath(string relativePath);

    /// <summary>What the policy registry records for an artifact: the relative path for a folder store, the blob's URI
    /// (without any SAS) for the Blob store. Every method of the store accepts what this returns.</summary>
    string Locate(string relativePath) => relativePath;
}
