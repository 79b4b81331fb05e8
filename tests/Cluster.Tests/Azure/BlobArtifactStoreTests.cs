using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SotopiaPi.Storage.Azure;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Azure;

/// <summary>The Blob artifact store on Azurite: what a silo writes a trainer (another store, another cache folder) reads
/// back hash-checked; a corrupted blob is refused; a bad connection string is a settings error that shows no key.</summary>
[Collection(AzureCollection.Name)]
public sealed class BlobArtifactStoreTests(AzuriteFixture azurite)
{
    private async Task<(BlobContainerClient Container, BlobArtifactStore Silo, BlobArtifactStore Trainer, TempDirectory Folder)> OpenAsync()
    {
        var options = azurite.Options("a" + Guid.NewGuid().ToString("N")[..10]);
        var container = options.CreateBlobServiceClient().GetBlobContainerClient(options.ArtifactsContainer);
        var folder = new TempDirectory();
        var silo = await BlobArtifactStore.OpenAsync(container, folder.Combine("silo"));
        var trainer = await BlobArtifactStore.OpenAsync(container, folder.Combine("trainer"));
        return (container, silo, trainer, folder);
    }

    [Fact]
    public async Task WhatASiloWritesLandsInBlobWithItsHashesAndTheTrainerReadsItBack()
    {
        var (container, silo, trainer, folder) = await OpenAsync();
        using var _ = folder;
        var text = string.Join("\n", Enumerable.Range(0, 1000).Select(i => $"{{\"turn\":{i}}}"));

        var hash = await silo.WriteAsync("datasets/c1/round-1.chat.jsonl", s => s.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask());

        var properties = (await container.GetBlobClient("datasets/c1/round-1.chat.jsonl").GetPropertiesAsync()).Value;
        Assert.Equal(hash, properties.Metadata[BlobArtifactStore.Sha256Metadata]);
        Assert.Equal(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(text)), properties.ContentHash);
        Assert.Equal(hash, await trainer.HashAsync("datasets/c1/round-1.chat.jsonl"));
        var local = trainer.GetFullPath("datasets/c1/round-1.chat.jsonl");
        Assert.StartsWith(trainer.Root, local, StringComparison.Ordinal);
        Assert.Equal(text, await File.ReadAllTextAsync(local));
        // The registry's address of an artifact is its blob URI, and the store reads it.
        var uri = trainer.Locate("datasets/c1/round-1.chat.jsonl");
        Assert.Equal(container.Uri + "/datasets/c1/round-1.chat.jsonl", uri);
        using var reader = new StreamReader(trainer.OpenRead(uri));
        Assert.Equal(text, await reader.ReadToEndAsync());
        // Rewriting the same content (a retried request) keeps the blob; other content replaces it.
        Assert.Equal(hash, await silo.WriteAsync("datasets/c1/round-1.chat.jsonl", s => s.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask()));
        var changed = await silo.WriteAsync("datasets/c1/round-1.chat.jsonl", s => s.WriteAsync("other"u8.ToArray()).AsTask());
        Assert.NotEqual(hash, changed);
        Assert.Equal(changed, await trainer.HashAsync(uri));
    }

    [Fact]
    public async Task ACorruptedBlobIsRefusedNamingTheBlobAndBothHashes()
    {
        var (container, silo, trainer, folder) = await OpenAsync();
        using var _ = folder;
        var hash = await silo.WriteAsync("checkpoints/p/r1/model.json", s => s.WriteAsync("{\"w\":[1,2,3]}"u8.ToArray()).AsTask());
        // Someone rewrites the content behind the store's back, keeping its metadata.
        var blob = container.GetBlobClient("checkpoints/p/r1/model.json");
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        await blob.UploadAsync(BinaryData.FromString("{\"w\":[9,9,9]}"), new BlobUploadOptions { Metadata = metadata });

        var read = Assert.Throws<InvalidDataException>(() => trainer.OpenRead("checkpoints/p/r1/model.json"));
        var hashed = await Assert.ThrowsAsync<InvalidDataException>(() => trainer.HashAsync("checkpoints/p/r1/model.json"));

        Assert.Contains("checkpoints/p/r1/model.json", read.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", read.Message, StringComparison.Ordinal);
        Assert.Contains(hash, read.Message, StringComparison.Ordinal);
        Assert.Equal(read.Message, hashed.Message);
        Assert.False(File.Exists(Path.Combine(trainer.Root, "checkpoints", "p", "r1", "model.json")), "a refused blob must not be left in the local copy folder");
    }

    [Fact]
    public async Task AMissingArtifactIsFileNotFoundNamingIt()
    {
        var (_, _, trainer, folder) = await OpenAsync();
        using var _ = folder;
        var missing = Assert.Throws<FileNotFoundException>(() => trainer.OpenRead("datasets/none.jsonl"));
        Assert.Contains("datasets/none.jsonl", missing.Message, StringComparison.Ordinal);
        Assert.False(trainer.Exists("datasets/none.jsonl"));
    }

    [Fact]
    public void AMalformedConnectionStringIsASettingsErrorThatShowsNoKey()
    {
        var options = new AzureStorageOptions { ConnectionString = "AccountName=x;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;Nonsense" };
        var problems = options.Validate();
        var problem = Assert.Single(problems);
        Assert.Contains("AzureStorage:ConnectionString", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", problem, StringComparison.Ordinal);

        var missing = new AzureStorageOptions().Validate();
        Assert.Contains(missing, p => p.StartsWith("AzureStorage:BlobServiceUri", StringComparison.Ordinal));
        Assert.Contains(missing, p => p.StartsWith("AzureStorage:TableServiceUri", StringComparison.Ordinal));
    }
}
