using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>One silo of a test cluster as a real process (<c>dotnet SotopiaPi.Silo.dll --store "&lt;pg&gt;" …</c>) on
/// fixed ports (API, Orleans silo, gateway), so a restart comes back where it was. It can be SIGKILLed, restarted with
/// the same id, frozen (SIGSTOP) and thawed (SIGCONT). Every start is a new <em>incarnation</em>, named in the
/// connection string's <c>Application Name</c> as <c>id#n</c>, so the database can tell which process wrote what
/// (see <see cref="WriteAudit"/>). The outputs of every incarnation are kept for failure messages and log counts.</summary>
internal sealed class ClusterSilo : IDisposable
{
    private readonly string _connectionString;
    private readonly string _artifacts;
    private readonly int _apiPort = FreePorts.Next();
    private readonly int _siloPort = FreePorts.Next();
    private readonly int _gatewayPort = FreePorts.Next();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _previousOutputs = new();
    private DotnetProcess? _process;
    private HttpClient? _http;

    public ClusterSilo(string id, string connectionString, string artifacts, IReadOnlyDictionary<string, string>? settings = null)
    {
        Id = id;
        _connectionString = connectionString;
        _artifacts = artifacts;
        _settings = settings ?? new Dictionary<string, string>();
    }

    public string Id { get; }

    /// <summary>How many times this silo was started (the current incarnation's number).</summary>
    public int Incarnation { get; private set; }

    public bool IsRunning => _process is not null && !_process.HasExited;

    public bool IsFrozen { get; private set; }

    public HttpClient Http => _http ?? throw new InvalidOperationException($"silo {Id} is not running");

    /// <summary>The current (or, when down, the last) incarnation's name.</summary>
    public string CurrentIncarnation => IncarnationName(Incarnation);

    public string IncarnationName(int incarnation) => $"{Id}#{incarnation}";

    /// <summary>Everything every incarnation printed so far.</summary>
    public string Output => _previousOutputs + (_process?.Output ?? "");

    /// <summary>Starts a new incarnation and waits until it listens and is ready (active in the cluster).</summary>
    public async Task StartAsync()
    {
        Assert.Null(_process);
        Incarnation++;
        var store = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = CurrentIncarnation }.ConnectionString;
        var url = $"http://127.0.0.1:{_apiPort.ToString(CultureInfo.InvariantCulture)}";
        List<string> arguments =
        [
            "--store", store, "--urls", url, "--Silo:SiloId", Id,
            "--Silo:SiloPort", _siloPort.ToString(CultureInfo.InvariantCulture),
            "--Silo:GatewayPort", _gatewayPort.ToString(CultureInfo.InvariantCulture),
            "--Silo:AdvertisedAddress", "127.0.0.1",
        ];
        var environment = new Dictionary<string, string?> { ["SOTOPIA_ARTIFACTS"] = _artifacts, ["ASPNETCORE_URLS"] = null };
        foreach (var (name, value) in _settings)
        {
            environment[name] = value;
        }
        _process = DotnetProcess.Start("SotopiaPi.Silo.dll", arguments, environment);
        try
        {
            await _process.WhenOutputContainsAsync("Now listening on:").WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"silo {CurrentIncarnation} did not start listening within 2 minutes. Output:\n{_process.Output}");
        }
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        using var ready = await _http.GetAsync("/readyz");
        Assert.True(ready.StatusCode == HttpStatusCode.OK,
            $"silo {CurrentIncarnation} listens but /readyz answered {(int)ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine or OOM kill.</summary>
    public void Kill()
    {
        var process = _process ?? throw new InvalidOperationException($"silo {Id} is not running");
        process.Dispose();
        _previousOutputs.Append(process.Output);
        _process = null;
        _http?.Dispose();
        _http = null;
        IsFrozen = false;
    }

    /// <summary>SIGTERM, what Kubernetes sends on scale-in: the silo stops gracefully (leaves the cluster, its grains
    /// deactivate and their work resumes elsewhere). Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"silo {Id} is not running");
        Signal("TERM");
        var exitCode = await process.WaitForExitAsync(timeout);
        process.Dispose();
        _previousOutputs.Append(process.Output);
        _process = null;
        _http?.Dispose();
        _http = null;
        return exitCode;
    }

    /// <summary>SIGSTOP: the process freezes mid-flight (a long GC pause, a VM stall) and believes nothing changed.</summary>
    public void Freeze()
    {
        Signal("STOP");
        IsFrozen = true;
    }

    /// <summary>SIGCONT: the frozen process goes on where it stopped.</summary>
    public void Thaw()
    {
        Signal("CONT");
        IsFrozen = false;
    }

    /// <summary>Waits for the process to exit on its own (a thawed silo that was voted out stops itself).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"silo {Id} is not running");
        return await process.WaitForExitAsync(timeout);
    }

    /// <summary>This silo as it describes itself in <c>GET /api/silos</c>.</summary>
    public async Task<SiloResponse> DescribeSelfAsync()
    {
        var silos = await Http.GetFromJsonAsync<SiloResponse[]>("api/silos", SotopiaJson.Options) ?? [];
        return silos.Single(s => s.IsSelf);
    }

    /// <summary>How many lines of all outputs contain <paramref name="text"/>.</summary>
    public int CountOutputLines(string text) => Output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
        if (_process is not null)
        {
            if (IsFrozen)
            {
                Thaw();
            }
            Kill();
        }
    }

    private void Signal(string signal)
    {
        var process = _process ?? throw new InvalidOperationException($"silo {Id} is not running");
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {process.Id} (silo {Id}) failed with exit code {kill.ExitCode}");
    }
}
