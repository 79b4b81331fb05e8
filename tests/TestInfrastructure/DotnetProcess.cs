using System.Diagnostics;
using System.Text;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A built .NET program (sotopia.dll, SotopiaPi.Silo.dll — the build copies both next to the tests)
/// as a child process with a controlled environment, its output captured.</summary>
public sealed class DotnetProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource<string> Signal)> _watchers = [];

    private DotnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="dll">File name next to the tests.</param>
    /// <param name="arguments">Command-line arguments.</param>
    /// <param name="environment">Variables to set; a null value removes the variable (e.g. a token the developer has set).</param>
    /// <param name="workingDirectory">The child's working directory.</param>
    public static DotnetProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{dll} was not built next to the tests: {path}");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Remove("SOTOPIA_API_TOKEN");
        info.Environment.Remove("SOTOPIA_STORE");
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        return new DotnetProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet."));
    }

    /// <summary>Runs to the end and returns the exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Start(dll, arguments, environment);
        var exit = await process.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(3));
        return (exit, process.Output);
    }

    /// <summary>Completes with the first output line containing <paramref name="text"/>.</summary>
    public Task<string> WhenOutputContainsAsync(string text)
    {
        lock (_output)
        {
            var existing = _output.ToString().Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (existing is not null)
            {
                return Task.FromResult(existing.TrimEnd('\r'));
            }
            var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((text, signal));
            return signal.Task;
        }
    }

    /// <summary>SIGTERM, as Kubernetes sends it before a pod is removed.</summary>
    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine or OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{_process.StartInfo.ArgumentList[0]} did not exit within {timeout}. Output:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_watchers[i].Text, StringComparison.Ordinal))
                {
                    _watchers[i].Signal.TrySetResult(line);
                    _watchers.RemoveAt(i);
                }
            }
        }
    }
}
