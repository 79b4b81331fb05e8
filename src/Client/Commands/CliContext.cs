using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Client.Commands;

/// <summary>What every command shares: the home folder option and uniform error handling (user errors are
/// printed as one clear message with exit code 2, never as a stack trace).</summary>
internal static class CliContext
{
    public static Option<string> Home { get; } = new("--home")
    {
        Description = "SotopiaPi's working folder (SQLite store, artifacts, logs, results).",
        DefaultValueFactory = _ => ".sotopia",
        Recursive = true,
    };

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (UserFacingException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return ex.ExitCode;
        }
        catch (CampaignSpecException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 2;
        }
        catch (DataLoadException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]Interrupted.[/]");
            return 130;
        }
    }

    public static async Task<T> WithRuntimeAsync<T>(ParseResult parse, CancellationToken ct, Func<EmbeddedRuntime, Task<T>> action)
    {
        await using var runtime = await EmbeddedRuntime.OpenAsync(parse.GetValue(Home)!, ct);
        return await action(runtime);
    }
}
