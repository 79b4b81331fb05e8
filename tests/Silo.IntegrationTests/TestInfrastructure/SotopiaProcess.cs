using System.Diagnostics;
using System.Text;

namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>The real <c>sotopia</c> console as a child process (the build copies sotopia.dll next to the
/// tests), with its output captured for failure messages.</summary>
internal sealed class SotopiaProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SotopiaProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static SotopiaProcess Start(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sotopia.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The sotopia console was not built next to the tests: {dll}");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return new SotopiaProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet."));
    }

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

    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine or OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
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
            throw new TimeoutException($"sotopia did not exit within {timeout}. Output:\n{Output}");
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
        }
    }
}
