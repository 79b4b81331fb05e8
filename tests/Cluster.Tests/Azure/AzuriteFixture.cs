using System.Diagnostics;
using System.Text;
using SotopiaPi.Storage.Azure;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Azure;

/// <summary>A private Azurite (the Azure Storage emulator from npm, <c>npm install -g azurite</c>; scripts/test.sh installs
/// it) on free blob, queue and table ports with its data in a temp folder; stopped and deleted at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    private const string Account = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDirectory _folder = new("sotopia-azurite");
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public AzureStorageOptions Options(string prefix) => new()
    {
        ConnectionString = ConnectionString,
        ArtifactsContainer = prefix + "-artifacts",
        GrainStateContainer = prefix + "-state",
        ClusteringTable = "M" + prefix.Replace("-", "", StringComparison.Ordinal),
        RemindersTable = "R" + prefix.Replace("-", "", StringComparison.Ordinal),
    };

    public async Task InitializeAsync()
    {
        var (blob, queue, table) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        var start = new ProcessStartInfo("azurite")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", _folder.Path,
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
        })
        {
            start.ArgumentList.Add(arg);
        }
        var listening = 0;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("azurite is not installed (npm install -g azurite; scripts/test.sh does it).", ex);
        }
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(e.Data);
            }
            if (e.Data.Contains("successfully listening", StringComparison.Ordinal) && Interlocked.Increment(ref listening) == 3)
            {
                ready.TrySetResult();
            }
        }
        _process.OutputDataReceived += OnLine;
        _process.ErrorDataReceived += OnLine;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("azurite exited: " + Output()));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Within.WaitAsync(ready.Task, TimeSpan.FromSeconds(60), "Azurite's blob, queue and table services listening", Output);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={DevelopmentKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AzureCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "Azurite and PostgreSQL";
}
