using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
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
        RefuseCluster(parse);
        await using var runtime = await EmbeddedRuntime.OpenAsync(parse.GetValue(Home)!, ct);
        return await action(runtime);
    }

    /// <summary>A command without a cluster branch works on this machine only (the local store, local files, the local
    /// model configuration): with <c>--cluster</c> it refuses (exit 2) before anything is created, instead of silently
    /// ignoring the cluster and opening or creating <c>./.sotopia</c>.</summary>
    public static void RefuseCluster(ParseResult parse)
    {
        if (parse.GetValue(ClusterMode.Url) is { Length: > 0 })
        {
            var path = new List<string>();
            for (var result = parse.CommandResult; result is not null && result.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                path.Insert(0, result.Command.Name);
            }
            throw new UserFacingException(
                $"'sotopia {string.Join(' ', path)}' has no cluster mode: it works on this machine (local store, files or model configuration). Drop --cluster, or use a command that talks to a cluster: " +
                "campaign start|status|list|watch|pause|resume|cancel, episodes list|show, policy list|activate|rollback, data import, report, silos.", 2);
        }
    }
}
