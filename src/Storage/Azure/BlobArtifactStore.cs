using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Azure;

/// <summary>The azure profile's artifact store: one Blob container with <see cref="Artifacts.ArtifactLayout"/>'s layout,
/// shared by silos and trainers, plus a local folder (<see cref="Root"/>) where blobs are materialised for code that
/// needs a file (the embedded trainer reads a dataset file; a model server mounts adapters).
/// <para>Writes are never half-visible: the content is staged as uncommitted blocks (each checked by the service
/// against its MD5) and becomes the blob in one block-list commit that also sets <c>Content-MD5</c> and the
/// <c>sha256</c> metadata. The first commit is create-only (<c>If-None-Match: *</c>); when the blob exists already, the
/// same content is a no-op (a retried request) and other content replaces it only if the blob is still the one just
/// read (<c>If-Match</c>), so a concurrent writer is never silently overwritten.</para>
/// <para>Every read downloads the blob, hashes it and refuses it (<see cref="InvalidDataException"/> naming the blob
/// and both hashes) when the content does not match its <c>sha256</c> metadata.</para></summary>
public sealed class BlobArtifactStore : IArtifactStore
{
    /// <summary>The metadata key holding the content's SHA-256 (lower-case hex).</summary>
    public const string Sha256Metadata = "sha256";

    private const int BlockSize = 4 << 20;
    private readonly BlobContainerClient _container;
    private readonly string _containerUri;

    public BlobArtifactStore(BlobContainerClient container, string cacheRoot)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheRoot);
        _container = container;
        // Never keep a SAS query in an address that is logged or stored.
        _containerUri = new UriBuilder(container.Uri) { Query = "" }.Uri.ToString().TrimEnd('/');
        Root = Path.GetFullPath(cacheRoot);
        Directory.CreateDirectory(Root);
    }

    /// <summary>Creates the container when missing and returns the store.</summary>
    public static async Task<BlobArtifactStore> OpenAsync(BlobContainerClient container, string cacheRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new BlobArtifactStore(container, cacheRoot);
    }

    /// <summary>The local folder blobs are materialised into.</summary>
    public string Root { get; }

    /// <summary>The container's URI (no SAS).</summary>
    public string ContainerUri => _containerUri;

    public string Locate(string relativePath) => _containerUri + "/" + NameOf(relativePath);

    public async Task<string> WriteAsync(string relativePath, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var name = NameOf(relativePath);
        var local = CachePath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var temp = local + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            string sha256;
            byte[] md5;
            await using (var read = File.OpenRead(temp))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false));
                read.Position = 0;
                md5 = await MD5.HashDataAsync(read, cancellationToken).ConfigureAwait(false);
            }
            await UploadAsync(name, temp, sha256, md5, cancellationToken).ConfigureAwait(false);
            File.Move(temp, local, overwrite: true);
            return sha256;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public Stream OpenRead(string relativePath)
    {
        var local = Materialize(NameOf(relativePath));
        return new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
    }

    public async Task<string> HashAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        var name = NameOf(relativePath);
        var blob = _container.GetBlobClient(name);
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw NotFound(name, ex);
        }
        using (download)
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(download.Content, cancellationToken).ConfigureAwait(false));
            Check(name, download.Details.Metadata, actual);
            return actual;
        }
    }

    public bool Exists(string relativePath) => _container.GetBlobClient(NameOf(relativePath)).Exists().Value;

    /// <summary>The local file of an artifact: downloaded (and hash-checked) when the blob exists, otherwise the path a
    /// caller may write a local output to (which this store does not upload).</summary>
    public string GetFullPath(string relativePath)
    {
        var name = NameOf(relativePath);
        return Exists(name) ? Materialize(name) : CachePath(name);
    }

    private async Task UploadAsync(string name, string file, string sha256, byte[] md5, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(name);
        var blocks = new List<string>();
        await using (var content = File.OpenRead(file))
        {
            var buffer = new byte[BlockSize];
            int read;
            while ((read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                // Unique ids: a concurrent writer of the same name stages its own blocks.
                var id = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                using var chunk = new MemoryStream(buffer, 0, read, writable: false);
                await blob.StageBlockAsync(id, chunk, new BlockBlobStageBlockOptions
                {
                    TransferValidation = new global::Azure.Storage.UploadTransferValidationOptions { ChecksumAlgorithm = global::Azure.Storage.StorageChecksumAlgorithm.MD5 },
                }, cancellationToken).ConfigureAwait(false);
                blocks.Add(id);
            }
        }
        var commit = new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentHash = md5, ContentType = "application/octet-stream" },
            Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha256 },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await blob.CommitBlockListAsync(blocks, commit, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (existing.Metadata.TryGetValue(Sha256Metadata, out var stored) && string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
            commit.Conditions = new BlobRequestConditions { IfMatch = existing.ETag };
            await blob.CommitBlockListAsync(blocks, commit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads a blob to its cache path (through a temp file), refusing content that does not match its hash.</summary>
    private string Materialize(string name)
    {
        var local = CachePath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var temp = local + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            BlobDownloadStreamingResult download;
            try
            {
                download = _container.GetBlobClient(name).DownloadStreaming().Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                throw NotFound(name, ex);
            }
            using (download)
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = download.Content.Read(buffer)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        file.Write(buffer, 0, read);
                    }
                }
                Check(name, download.Details.Metadata, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }
            File.Move(temp, local, overwrite: true);
            return local;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private void Check(string name, IDictionary<string, string> metadata, string actual)
    {
        if (!metadata.TryGetValue(Sha256Metadata, out var expected))
        {
            throw new InvalidDataException(
                $"Artifact blob '{_containerUri}/{name}' has no '{Sha256Metadata}' metadata (it was not written by the artifact store); refusing to use it.");
        }
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"Artifact blob '{_containerUri}/{name}' is corrupt: its content hashes to SHA-256 {actual}, but it was written with {expected}; refusing to use it.");
        }
    }

    private FileNotFoundException NotFound(string name, Exception inner) =>
        new($"Artifact '{name}' not found in blob container '{_containerUri}'.", name, inner);

    /// <summary>The blob name of a relative path or of an address from <see cref="Locate"/>.</summary>
    private string NameOf(string pathOrUri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrUri);
        var name = pathOrUri;
        if (Uri.TryCreate(pathOrUri, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            var bare = new UriBuilder(uri) { Query = "" }.Uri.ToString();
            if (!bare.StartsWith(_containerUri + "/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Artifact address '{AzureStorageOptions.WithoutQuery(pathOrUri)}' is not in the artifact container '{_containerUri}'.", nameof(pathOrUri));
            }
            name = Uri.UnescapeDataString(bare[(_containerUri.Length + 1)..]);
        }
        var segments = name.Split('/');
        if (name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal) || segments.Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"Artifact path '{name}' is not a relative path of '/'-separated names.", nameof(pathOrUri));
        }
        return name;
    }

    private string CachePath(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));
}
