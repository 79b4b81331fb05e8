using System.CommandLine;
using System.CommandLine.Invocation;
using SotopiaPi.Client.Commands;

namespace SotopiaPi.Client.Cluster;

/// <summary>Cluster mode: <c>sotopia --cluster URL …</c> sends the command to a silo's HTTP API instead of
/// opening the local store. Commands that exist in both modes get a cluster branch with <see cref="Branch"/>;
/// cluster-only commands use <see cref="Run"/>.</summary>
internal static class ClusterMode
{
    /// <summary>The environment variable holding the API's bearer token.</summary>
    public const string TokenVariable = "SOTOPIA_API_TOKEN";

    public static Option<string?> Url { get; } = new("--cluster")
    {
        Description = $"Talk to a silo's HTTP API at this URL (e.g. http://127.0.0.1:8080) instead of the local store; the token comes from {TokenVariable}.",
        Recursive = true,
    };

    /// <summary>How long the console waits for one answer from the silo before it gives up with an error naming the
    /// URL (a frozen silo would otherwise hang the console).</summary>
    public static Option<double> HttpTimeout { get; } = new("--http-timeout")
    {
        Description = "Seconds to wait for each answer from the silo (--cluster) before giving up (default 30).",
        Recursive = true,
        DefaultValueFactory = _ => 30,
    };

    /// <summary>Wraps the command's embedded action: with <c>--cluster</c> the cluster action runs instead.</summary>
    public static void Branch(Command command, Func<SotopiaApiClient, ParseResult, CancellationToken, Task<int>> cluster)
    {
        var embedded = command.Action as AsynchronousCommandLineAction
            ?? throw new InvalidOperationException($"Command '{command.Name}' has no asynchronous action to branch.");
        command.SetAction((parse, ct) => parse.GetValue(Url) is { Length: > 0 }
            ? Run(parse, ct, cluster)
            : embedded.InvokeAsync(parse, ct));
    }

    /// <summary>Runs a cluster action with a client for <c>--cluster</c>, turning API errors into one clear
    /// message (exit code 2 for a refused request, 1 for an unreachable or failing silo).</summary>
    public static Task<int> Run(ParseResult parse, CancellationToken ct, Func<SotopiaApiClient, ParseResult, CancellationToken, Task<int>> action) =>
        CliContext.GuardAsync(async () =>
        {
            var url = parse.GetValue(Url);
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new UserFacingException($"'{parse.CommandResult.Command.Name}' talks to a cluster: pass --cluster URL (e.g. --cluster http://127.0.0.1:8080).");
            }
            if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                throw new UserFacingException($"--cluster: '{url}' is not an http(s) URL.");
            }
            var timeout = parse.GetValue(HttpTimeout);
            if (!(timeout is > 0 and <= 86_400))
            {
                throw new UserFacingException($"--http-timeout: {timeout} is not a number of seconds between 0 and 86400.", 2);
            }
            using var client = new SotopiaApiClient(baseAddress, Environment.GetEnvironmentVariable(TokenVariable), TimeSpan.FromSeconds(timeout));
            try
            {
                return await action(client, parse, ct);
            }
            catch (SotopiaApiException ex)
            {
                throw new UserFacingException(ex.Message, ex.ExitCode);
            }
        });
}
