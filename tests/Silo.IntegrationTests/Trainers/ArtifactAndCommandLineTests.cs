using System.Diagnostics;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Backends.External;
using SotopiaPi.Trainer.Hosting;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The small pieces the trainer process and the artifact store rest on: the folder hash (checked against
/// the documented shell pipeline), artifact paths, the command line, the store string and command templates.</summary>
public sealed class ArtifactAndCommandLineTests
{
    [Fact]
    public async Task TheFolderHashIsTheDocumentedSha256sumManifestAndChangesWithAnyFile()
    {
        using var dir = new TempDirectory("sotopia-hash");
        Directory.CreateDirectory(dir.Combine("adapter", "sub"));
        await File.WriteAllTextAsync(dir.Combine("adapter", "adapter_config.json"), "{\"r\": 8}");
        await File.WriteAllBytesAsync(dir.Combine("adapter", "sub", "B.bin"), [0, 1, 2, 255]);
        await File.WriteAllTextAsync(dir.Combine("adapter", "a.txt"), "weights");

        var hash = await DirectoryHash.ComputeAsync(dir.Combine("adapter"));

        var shell = new ProcessStartInfo("bash", ["-c", "cd \"$1\" && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1", "hash", dir.Combine("adapter")])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(shell)!;
        var expected = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        Assert.Equal(expected, hash);
        Assert.Equal(hash, await DirectoryHash.ComputeAsync(dir.Combine("adapter"), ["missing.json"]));
        await File.WriteAllTextAsync(dir.Combine("adapter", "sotopia-adapter.json"), "{}");
        Assert.Equal(hash, await DirectoryHash.ComputeAsync(dir.Combine("adapter"), ["sotopia-adapter.json"]));
        Assert.NotEqual(hash, await DirectoryHash.ComputeAsync(dir.Combine("adapter")));
    }

    [Fact]
    public void ArtifactPathsFollowTheLayoutAndRejectIdsThatAreNotOneSegment()
    {
        Assert.Equal("datasets/c1/round-2.chat.jsonl", ArtifactLayout.Dataset("c1", 2));
        Assert.Equal("checkpoints/p/c1-r0/openai-job.json", ArtifactLayout.Checkpoint("p", "c1-r0", "openai-job.json"));
        Assert.Equal("adapters/p/c1-r0", ArtifactLayout.Adapter("p", "c1-r0"));
        Assert.Equal("logs/training/p/c1-r0.log", ArtifactLayout.TrainingLog("p", "c1-r0"));
        foreach (var bad in new[] { "..", "a/b", "a\\b", "", "." })
        {
            var error = Assert.Throws<ArgumentException>(() => ArtifactLayout.Adapter("p", bad));
            Assert.Contains("requestId", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheCommandLineMapsOptionsAndPassesSettingsThrough()
    {
        var parsed = TrainerCommandLine.Parse(
            ["--store", "s.db", "--artifacts=/a", "--backend", "embedded, external", "--id", "t9", "--Trainer:RenewInterval", "00:00:05", "--Trainer:External:VllmServers:0=http://v:8000"]);

        Assert.Equal(("s.db", "/a", "t9"), (parsed.Store, parsed.Artifacts, parsed.TrainerId));
        Assert.Equal(["embedded", "external"], parsed.Backends);
        Assert.Equal(["--Trainer:RenewInterval=00:00:05", "--Trainer:External:VllmServers:0=http://v:8000"], parsed.ConfigurationArguments);
        Assert.Equal("Option --store needs a value.", Assert.Throws<ArgumentException>(() => TrainerCommandLine.Parse(["--store"])).Message);
        Assert.Equal("Unknown argument 'train'.", Assert.Throws<ArgumentException>(() => TrainerCommandLine.Parse(["train"])).Message);
    }

    [Fact]
    public void TheStoreStringIsPostgresOnlyWhenItLooksLikeAConnectionStringAndItsPasswordIsNeverShown()
    {
        Assert.True(TrainerStoreFactory.IsPostgres("Host=pg;Database=sotopia;Username=s;Password=x"));
        Assert.True(TrainerStoreFactory.IsPostgres("postgresql://s:x@pg:5432/sotopia"));
        Assert.False(TrainerStoreFactory.IsPostgres("/data/sotopia.db"));
        Assert.False(TrainerStoreFactory.IsPostgres("/data/run=3;host/sotopia.db"));
        Assert.Equal("PostgreSQL Host=pg;Database=sotopia;Username=s", TrainerStoreFactory.Describe("Host=pg;Database=sotopia;Username=s;Password=x"));
        Assert.Equal("PostgreSQL pg:5432/sotopia", TrainerStoreFactory.Describe("postgresql://s:x@pg:5432/sotopia"));
    }

    [Fact]
    public void CommandTemplatesReplacePlaceholdersAndNameUnknownOnes()
    {
        var values = new Dictionary<string, string> { ["dataset"] = "/d/x y.jsonl", ["lora_r"] = "8" };

        Assert.Equal("--data=/d/x y.jsonl", CommandTemplate.Expand("--data={dataset}", values, "Arguments:0"));
        Assert.Equal("{literal} r8", CommandTemplate.Expand("{{literal}} r{lora_r}", values, "Arguments:1"));
        var error = Assert.Throws<TrainingBackendException>(() => CommandTemplate.Expand("--x={datset}", values, "Trainer:External:Arguments:2"));
        Assert.Equal("Trainer:External:Arguments:2: unknown placeholder {datset} in '--x={datset}' (known: {dataset}, {lora_r}).", error.Message);
    }

    [Fact]
    public void TrainingLogLinesBecomeEpochProgress()
    {
        Assert.Equal("external: epoch 2/3: {'loss': 0.5, 'epoch': 1.4}", ExternalTrainingBackend.DescribeLine("{'loss': 0.5, 'epoch': 1.4}", 3));
        Assert.Equal("external: epoch 4/5: Epoch 4/5 done", ExternalTrainingBackend.DescribeLine("Epoch 4/5 done", 3));
        Assert.Equal("external: loading shards", ExternalTrainingBackend.DescribeLine("loading shards", 3));
        Assert.Equal("sotopia-pi-c1-r0", ExternalTrainingBackend.AdapterName("sotopia-pi", "c1-r0"));
        Assert.Equal("my-policy-c-1-r0", ExternalTrainingBackend.AdapterName("my policy", "c/1:r0"));
    }
}
