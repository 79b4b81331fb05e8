using System.Diagnostics;

namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>Runs a tool (kubectl, node, npm) to completion and returns its exit code and output; a missing tool
/// or a hang fails with a message saying what was run.</summary>
internal static class ExternalCommand
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var shown = $"{fileName} {string.Join(' ', arguments)} (in {workingDirectory})";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {shown}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{fileName}' is needed by the deployment tests and could not be started ({ex.Message}); command: {shown}", ex);
        }
        using (process)
        {
            using var cts = new CancellationTokenSource(timeout);
            var output = process.StandardOutput.ReadToEndAsync(cts.Token);
            var error = process.StandardError.ReadToEndAsync(cts.Token);
            try
            {
                await process.WaitForExitAsync(cts.Token);
                return new Result(process.ExitCode, await output, await error);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{shown} did not finish within {timeout}");
            }
        }
    }
}
