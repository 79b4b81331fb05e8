using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Api;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>One silo of a test cluster as a real process (<c>dotnet SotopiaPi.Silo.dll --store "&lt;pg&gt;"
/// --urls http://127.0.0.1:0</c>, its id in <c>Silo__SiloId</c>), which can be SIGKILLed, restarted with the same
/// id, and paused (SIGSTOP) / resumed (SIGCONT). Every start is a new <em>incarnation</em>, named in the
/// connection string's <c>Application Name</c> as <c>id#n</c>, so the database can tell which process wrote what
/// (see <see cref="WriteAudit"/>). Outputs of every incarnation are kept for failure messages and log counts.</summary>
internal sealed partial class ClusterSilo : IDisposable
{
    /// <summary>Short leases so a killed silo's episodes move within seconds; a heartbeat well inside them.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _connectionString;
    private readonly string _artifacts;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _previousOutputs = new();
    private DotnetProcess? _process;
    private HttpClient? _http;

    /// <param name="id">The silo id (<c>Silo__SiloId</c>), kept across restarts.</param>
    /// <param name="connectionString">The PostgreSQL database.</param>
    /// <param name="artifacts">The artifacts folder all silos share.</param>
    /// <param name="trainer">Whether this silo also runs the trainer.</param>
    /// <param name="settings">More environment settings (e.g. <c>Silo__ClaimBatchSize</c>).</param>
    public ClusterSilo(string id, string connectionString, string artifacts, bool trainer, IReadOnlyDictionary<string, string>? settings = null)
    {
        Id = id;
        _settings = settings ?? new Dictionary<string, string>();
        Trainer = trainer;
        _connectionString = connectionString;
        _artifacts = artifacts;
    }

    public string Id { get; }

    public bool Trainer { get; }

    /// <summary>How many times this silo was started (the current incarnation's number).</summary>
    public int Incarnation { get; private set; }

    public bool IsRunning => _process is not null;

    public bool IsPaused { get; private set; }

    public HttpClient Http => _http ?? throw new InvalidOperationException($"silo {Id} is not running");

    /// <summary>The current (or, when down, the last) incarnation's name.</summary>
    public string CurrentIncarnation => IncarnationName(Incarnation);

    /// <summary>The application name the given incarnation's connections carry.</summary>
    public string IncarnationName(int incarnation) => $"{Id}#{incarnation}";

    /// <summary>Everything every incarnation printed so far.</summary>
    public string Output => _previousOutputs + (_process?.Output ?? "");

    /// <summary>Starts a new incarnation and waits until it listens and is ready (store reachable, migrated,
    /// scheduler running).</summary>
    public async Task StartAsync()
    {
        Assert.Null(_process);
        Incarnation++;
        var store = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = IncarnationName(Incarnation) }.ConnectionString;
        List<string> arguments = ["--store", store, "--urls", "http://127.0.0.1:0"];
        if (Trainer)
        {
            arguments.Add("--trainer");
        }
        var environment = new Dictionary<string, string?>
        {
            ["Silo__SiloId"] = Id,
            ["Silo__LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Silo__HeartbeatInterval"] = HeartbeatInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Trainer__LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Trainer__HeartbeatInterval"] = HeartbeatInterval.ToString("c", CultureInfo.InvariantCulture),
            ["SOTOPIA_ARTIFACTS"] = _artifacts,
            ["ASPNETCORE_URLS"] = null,
        };
        foreach (var (name, value) in _settings)
        {
            environment[name] = value;
        }
        _process = DotnetProcess.Start("SotopiaPi.Silo.dll", arguments, environment);
        string listening;
        try
        {
            listening = await _process.WhenOutputContainsAsync("Now listening on:").WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"silo {IncarnationName(Incarnation)} did not start listening within 2 minutes. Output:\n{_process.Output}");
        }
        _http = new HttpClient { BaseAddress = new Uri(ListeningUrl().Match(listening).Value), Timeout = TimeSpan.FromSeconds(30) };
        using var ready = await _http.GetAsync("/readyz");
        Assert.True(ready.StatusCode == HttpStatusCode.OK,
            $"silo {IncarnationName(Incarnation)} listens but /readyz answered {(int)ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
    }

    /// <summary>SIGKILL: no shutdown code runs (no lease is released), exactly like a machine or OOM kill.</summary>
    public void Kill()
    {
        var process = _process ?? throw new InvalidOperationException($"silo {Id} is not running");
        process.Dispose();
        _previousOutputs.Append(process.Output);
        _process = null;
        _http?.Dispose();
        _http = null;
        IsPaused = false;
    }

    /// <summary>SIGSTOP: the process freezes mid-flight (a long GC pause, a VM stall, a network partition) and
    /// keeps believing it owns its leases.</summary>
    public void Pause()
    {
        Signal("STOP");
        IsPaused = true;
    }

    /// <summary>SIGCONT: the frozen process goes on where it stopped.</summary>
    public void Resume()
    {
        Signal("CONT");
        IsPaused = false;
    }

    /// <summary>This silo as it describes itself in <c>GET /api/silos</c>.</summary>
    public async Task<SiloResponse> DescribeSelfAsync()
    {
        var silos = await Http.GetFromJsonAsync<SiloResponse[]>("api/silos", SotopiaJson.Options) ?? [];
        return silos.Single(s => s.IsSelf);
    }

    /// <summary>How many lines of all outputs contain <paramref name="text"/>.</summary>
    public int CountOutputLines(string text) =>
        Output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
        if (_process is not null)
        {
            if (IsPaused)
            {
                Resume();
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

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
